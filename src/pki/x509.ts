// The one adapter around @peculiar/x509 and its ASN.1 schemas. Everything else in rechain sees
// plain data (facts.ts) and never imports the library. Decoding uses the light @peculiar/asn1-*
// schemas; the full @peculiar/x509 (certificate generation, PKCS#7) costs ~50 ms to load, so it
// is loaded on first use, after the reflect-metadata polyfill its 2.x version needs.
import { createRequire } from 'node:module';
import { webcrypto } from 'node:crypto';
import type * as X509 from '@peculiar/x509';
import { AsnConvert } from '@peculiar/asn1-schema';
import {
  AuthorityInfoAccessSyntax,
  AuthorityKeyIdentifier,
  BasicConstraints,
  Certificate as AsnCertificate,
  ExtendedKeyUsage,
  KeyUsage,
  Name as AsnName,
  SubjectKeyIdentifier,
  id_ce_authorityKeyIdentifier,
  id_ce_basicConstraints,
  id_ce_extKeyUsage,
  id_ce_keyUsage,
  id_ce_subjectKeyIdentifier,
} from '@peculiar/asn1-x509';

const require = createRequire(import.meta.url);
let library: typeof X509 | undefined;

/** @peculiar/x509, loaded once on first use. */
export function x509(): typeof X509 {
  if (!library) {
    require('reflect-metadata');
    library = require('@peculiar/x509') as typeof X509;
    library.cryptoProvider.set(webcrypto as unknown as Parameters<typeof library.cryptoProvider.set>[0]);
  }
  return library;
}

export type { X509 };

/** The ASN.1 view of a certificate, parsed once. */
export type DecodedCertificate = AsnCertificate;

export function decodeCertificate(der: Uint8Array): DecodedCertificate {
  return AsnConvert.parse(der, AsnCertificate);
}

export interface RawExtension {
  oid: string;
  critical: boolean;
  value: Uint8Array;
}

export function extensionsOf(cert: DecodedCertificate): RawExtension[] {
  return (cert.tbsCertificate.extensions ?? []).map((e) => ({
    oid: e.extnID,
    critical: e.critical,
    value: new Uint8Array(e.extnValue.buffer),
  }));
}

export function decodeBasicConstraints(value: Uint8Array): { ca: boolean; pathLen: number | undefined } {
  const bc = AsnConvert.parse(value, BasicConstraints);
  return { ca: bc.cA, pathLen: bc.pathLenConstraint };
}

/** KeyUsage as a bit mask in the library's flag order (digitalSignature = 1 ... decipherOnly = 256). */
export function decodeKeyUsage(value: Uint8Array): number {
  return AsnConvert.parse(value, KeyUsage).toNumber();
}

export function decodeExtendedKeyUsage(value: Uint8Array): string[] {
  return [...AsnConvert.parse(value, ExtendedKeyUsage)];
}

export function decodeSubjectKeyIdentifier(value: Uint8Array): string {
  return Buffer.from(AsnConvert.parse(value, SubjectKeyIdentifier).buffer).toString('hex');
}

export interface AuthorityKeyIdentifierFields {
  keyIdentifier: string | undefined;
}

export function decodeAuthorityKeyIdentifier(value: Uint8Array): AuthorityKeyIdentifierFields {
  const aki = AsnConvert.parse(value, AuthorityKeyIdentifier);
  return {
    keyIdentifier: aki.keyIdentifier ? Buffer.from(aki.keyIdentifier.buffer).toString('hex') : undefined,
  };
}

const CA_ISSUERS = '1.3.6.1.5.5.7.48.2';

/** caIssuers URIs of an authorityInfoAccess value; throws when it holds no AccessDescription. */
export function decodeCaIssuers(value: Uint8Array): string[] {
  const aia = AsnConvert.parse(value, AuthorityInfoAccessSyntax);
  if (aia.length === 0) throw new Error('empty AuthorityInfoAccessSyntax');
  return aia
    .filter((d) => d.accessMethod === CA_ISSUERS && d.accessLocation.uniformResourceIdentifier)
    .map((d) => d.accessLocation.uniformResourceIdentifier!);
}

export const ExtensionOids = {
  subjectKeyIdentifier: id_ce_subjectKeyIdentifier,
  keyUsage: id_ce_keyUsage,
  subjectAltName: '2.5.29.17',
  basicConstraints: id_ce_basicConstraints,
  nameConstraints: '2.5.29.30',
  authorityKeyIdentifier: id_ce_authorityKeyIdentifier,
  extKeyUsage: id_ce_extKeyUsage,
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
} as const;

/** A Name for people, in encoded order: `C=US, O=Let's Encrypt, CN=R3`. */
export function nameToString(der: Uint8Array): string {
  try {
    return [...AsnConvert.parse(der, AsnName)]
      .map((rdn) => [...rdn].map((atv) => `${SHORT_NAMES[atv.type] ?? atv.type}=${escapeRfc2253(atv.value.toString())}`).join('+'))
      .join(', ');
  } catch {
    return `<unparsable name ${Buffer.from(der).toString('hex').slice(0, 16)}...>`;
  }
}

/** All values of one attribute (by OID) in a DER-encoded Name, in order. */
export function nameAttributes(der: Uint8Array, oid: string): string[] {
  const out: string[] = [];
  try {
    for (const rdn of AsnConvert.parse(der, AsnName)) {
      for (const atv of rdn) {
        if (atv.type === oid) out.push(atv.value.toString());
      }
    }
  } catch {
    // An unparsable name has no attributes we can trust.
  }
  return out;
}

export const CommonNameOid = '2.5.4.3';

// OpenSSL's short names, as X509_NAME_print_ex(XN_FLAG_RFC2253) prints them (and Envoy sends).
const SHORT_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.9': 'street',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.4': 'SN',
  '2.5.4.42': 'GN',
  '2.5.4.5': 'serialNumber',
  '2.5.4.12': 'title',
  '0.9.2342.19200300.100.1.25': 'DC',
  '0.9.2342.19200300.100.1.1': 'UID',
  '1.2.840.113549.1.9.1': 'emailAddress',
};

function escapeRfc2253(value: string): string {
  return value
    .replace(/[,+"\\<>;=]/g, (c) => `\\${c}`)
    .replace(/^[ #]/, (c) => `\\${c}`)
    .replace(/ $/, '\\ ');
}

/** RFC 2253 text of a DER Name: last RDN first, `,` between RDNs, `+` within one. */
export function nameToRfc2253(der: Uint8Array): string {
  try {
    return [...AsnConvert.parse(der, AsnName)]
      .reverse()
      .map((rdn) => [...rdn].map((atv) => `${SHORT_NAMES[atv.type] ?? atv.type}=${escapeRfc2253(atv.value.toString())}`).join('+'))
      .join(',');
  } catch {
    return '';
  }
}

/** The certificates inside a PKCS#7 / CMS SignedData (.p7b, .p7c), DER-encoded. */
export function pkcs7Certificates(der: Uint8Array): Buffer[] {
  const certs = new (x509().X509Certificates)(der);
  return certs.map((c) => Buffer.from(c.rawData));
}

/** Encode certificates as a degenerate PKCS#7 SignedData (what .p7b files hold). */
export function encodePkcs7(ders: readonly Uint8Array[]): Buffer {
  const lib = x509();
  const certs = new lib.X509Certificates(ders.map((d) => new lib.X509Certificate(d)));
  return Buffer.from(certs.export('raw'));
}
