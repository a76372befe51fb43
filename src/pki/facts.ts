// Everything the chain engine needs to know about one certificate, decoded once into plain,
// immutable data. Decoding goes through the library adapter (x509.ts) and the GeneralNames
// walker; nothing here judges a certificate, it only states what the certificate says.
import type { RawCertificate } from './raw-certificate.js';
import { decodeGeneralNames, decodeNameConstraints, type GeneralNames, type NameConstraints } from './general-names.js';
import {
  CommonNameOid,
  decodeAuthorityKeyIdentifier,
  decodeBasicConstraints,
  decodeCaIssuers,
  decodeCertificate,
  decodeExtendedKeyUsage,
  decodeKeyUsage,
  decodeSubjectKeyIdentifier,
  extensionsOf,
  ExtensionOids,
  nameAttributes,
  nameToString,
  type AuthorityKeyIdentifierFields,
} from './x509.js';
import { describeSignatureAlgorithm, type SignatureAlgorithm } from './algorithms.js';
import { describePublicKey, type PublicKeyFacts } from './public-key.js';

export const KeyUsageBits = {
  digitalSignature: 1,
  keyCertSign: 32,
} as const;

export const EkuOids = {
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  any: '2.5.29.37.0',
} as const;

export interface CertificateFacts {
  readonly version: number;
  readonly serialHex: string;
  readonly subject: string;
  readonly issuer: string;
  readonly commonNames: readonly string[];
  /** Milliseconds since the epoch, inclusive bounds (RFC 5280 4.1.2.5). */
  readonly notBefore: number;
  readonly notAfter: number;
  readonly signatureAlgorithm: SignatureAlgorithm;
  /** The signature algorithm inside the TBS equals the outer one (RFC 5280 4.1.1.2). */
  readonly signatureAlgorithmConsistent: boolean;
  readonly publicKey: PublicKeyFacts;
  readonly basicConstraints: { readonly ca: boolean; readonly pathLen: number | undefined } | undefined;
  /** Bit mask of KeyUsageBits; undefined when the extension is absent. */
  readonly keyUsage: number | undefined;
  readonly extendedKeyUsage: readonly string[] | undefined;
  readonly subjectAltName: GeneralNames | undefined;
  readonly nameConstraints: NameConstraints | undefined;
  readonly subjectKeyIdentifier: string | undefined;
  /** Undefined when the extension is absent. */
  readonly authorityKeyIdentifier: AuthorityKeyIdentifierFields | undefined;
  /** caIssuers URIs from authorityInfoAccess (where to fetch the issuer). */
  readonly caIssuers: readonly string[];
  /** OIDs of the extensions marked critical. */
  readonly criticalExtensions: readonly string[];
  /** The subject is an empty SEQUENCE. */
  readonly subjectEmpty: boolean;
  /** Critical extensions rechain does not understand: a certificate carrying one is rejected. */
  readonly unknownCriticalExtensions: readonly string[];
  /** Extensions that appear twice or whose value does not decode. */
  readonly malformedExtensions: readonly string[];
}

// Extensions whose meaning rechain applies, or may safely ignore when critical
// (policy processing is not done; the Web PKI does not rely on it).
const UNDERSTOOD_EXTENSIONS = new Set<string>([
  ExtensionOids.subjectKeyIdentifier,
  ExtensionOids.keyUsage,
  ExtensionOids.subjectAltName,
  ExtensionOids.basicConstraints,
  ExtensionOids.nameConstraints,
  ExtensionOids.authorityKeyIdentifier,
  ExtensionOids.extKeyUsage,
  ExtensionOids.authorityInfoAccess,
  '2.5.29.32', // certificatePolicies
  '2.5.29.33', // policyMappings
  '2.5.29.36', // policyConstraints
  '2.5.29.54', // inhibitAnyPolicy
  '2.5.29.31', // cRLDistributionPoints
]);


/** Decode a certificate's facts. Throws on DER the schemas cannot read. */
export function decodeFacts(raw: RawCertificate): CertificateFacts {
  const { der, subjectDer, issuerDer } = raw;
  const asn = decodeCertificate(der);
  const tbs = asn.tbsCertificate;

  let basicConstraints: CertificateFacts['basicConstraints'];
  let keyUsage: number | undefined;
  let extendedKeyUsage: string[] | undefined;
  let subjectAltName: GeneralNames | undefined;
  let nameConstraints: NameConstraints | undefined;
  let ski: string | undefined;
  let aki: AuthorityKeyIdentifierFields | undefined;
  let caIssuers: string[] = [];
  const critical: string[] = [];
  const unknownCritical: string[] = [];
  const malformed: string[] = [];
  const seen = new Set<string>();

  for (const ext of extensionsOf(asn)) {
    if (seen.has(ext.oid)) malformed.push(ext.oid);
    seen.add(ext.oid);
    if (ext.critical) critical.push(ext.oid);
    if (ext.critical && !UNDERSTOOD_EXTENSIONS.has(ext.oid)) unknownCritical.push(ext.oid);
    try {
      switch (ext.oid) {
        case ExtensionOids.basicConstraints:
          basicConstraints = decodeBasicConstraints(ext.value);
          break;
        case ExtensionOids.keyUsage:
          keyUsage = decodeKeyUsage(ext.value);
          break;
        case ExtensionOids.extKeyUsage:
          extendedKeyUsage = decodeExtendedKeyUsage(ext.value);
          break;
        case ExtensionOids.subjectAltName:
          subjectAltName = decodeGeneralNames(ext.value);
          break;
        case ExtensionOids.nameConstraints:
          nameConstraints = decodeNameConstraints(ext.value);
          break;
        case ExtensionOids.subjectKeyIdentifier:
          ski = decodeSubjectKeyIdentifier(ext.value);
          break;
        case ExtensionOids.authorityKeyIdentifier:
          aki = decodeAuthorityKeyIdentifier(ext.value);
          break;
        case ExtensionOids.authorityInfoAccess:
          caIssuers = decodeCaIssuers(ext.value);
          break;
      }
    } catch {
      malformed.push(ext.oid);
    }
  }

  return Object.freeze({
    version: tbs.version + 1,
    serialHex: Buffer.from(tbs.serialNumber).toString('hex'),
    subject: nameToString(subjectDer),
    issuer: nameToString(issuerDer),
    commonNames: nameAttributes(subjectDer, CommonNameOid),
    notBefore: tbs.validity.notBefore.getTime().getTime(),
    notAfter: tbs.validity.notAfter.getTime().getTime(),
    signatureAlgorithm: describeSignatureAlgorithm(asn.signatureAlgorithm.algorithm, asn.signatureAlgorithm.parameters),
    signatureAlgorithmConsistent: raw.signatureAlgorithmsMatch,
    publicKey: describePublicKey(tbs.subjectPublicKeyInfo),
    basicConstraints,
    keyUsage,
    extendedKeyUsage,
    subjectAltName,
    nameConstraints,
    subjectKeyIdentifier: ski,
    authorityKeyIdentifier: aki,
    caIssuers,
    criticalExtensions: critical,
    subjectEmpty: subjectDer.length <= 2,
    unknownCriticalExtensions: unknownCritical,
    malformedExtensions: malformed,
  });
}
