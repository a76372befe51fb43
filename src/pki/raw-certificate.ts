// The cheap, eager view of a certificate: the raw bytes that index it in a pool (subject,
// issuer, key identifiers, public key). See der.ts for why this is not the library parser.
import { children, DerError, readTlv, Tags, type Tlv } from './der.js';

export interface RawCertificate {
  readonly der: Buffer;
  readonly subjectDer: Buffer;
  readonly issuerDer: Buffer;
  readonly spkiDer: Buffer;
  readonly subjectKeyIdentifier: string | undefined;
  readonly authorityKeyIdentifier: string | undefined;
  /** The TBS signature algorithm equals the outer one, byte for byte. */
  readonly signatureAlgorithmsMatch: boolean;
}

const SKI_OID = Buffer.from([0x55, 0x1d, 0x0e]); // 2.5.29.14
const AKI_OID = Buffer.from([0x55, 0x1d, 0x23]); // 2.5.29.35

function extensionValues(der: Buffer, extensions: Tlv): { ski?: string; aki?: string } {
  const out: { ski?: string; aki?: string } = {};
  const list = readTlv(der, extensions.contentStart, extensions.end);
  for (const ext of children(der, list)) {
    const parts = children(der, ext);
    const oid = parts[0];
    const value = parts[parts.length - 1];
    if (!oid || !value || oid.tag !== Tags.OID || value.tag !== Tags.OCTET_STRING) continue;
    const oidBytes = der.subarray(oid.contentStart, oid.end);
    if (oidBytes.equals(SKI_OID)) {
      const inner = readTlv(der, value.contentStart, value.end);
      if (inner.tag === Tags.OCTET_STRING) out.ski = der.toString('hex', inner.contentStart, inner.end);
    } else if (oidBytes.equals(AKI_OID)) {
      const seq = readTlv(der, value.contentStart, value.end);
      const keyId = children(der, seq).find((c) => c.tag === Tags.CONTEXT_0_PRIMITIVE);
      if (keyId) out.aki = der.toString('hex', keyId.contentStart, keyId.end);
    }
  }
  return out;
}

/** Index a DER certificate. Throws DerError when the outer structure is broken. */
export function readRawCertificate(der: Buffer): RawCertificate {
  const cert = readTlv(der, 0);
  if (cert.tag !== Tags.SEQUENCE || cert.end !== der.length) throw new DerError('not a DER certificate');
  const [tbs, outerAlg] = children(der, cert);
  if (!tbs || !outerAlg || tbs.tag !== Tags.SEQUENCE) throw new DerError('certificate has no TBSCertificate');
  const fields = children(der, tbs);
  const base = fields[0]?.tag === Tags.CONTEXT_0 ? 1 : 0;
  const [, innerAlg, issuer, , subject, spki] = fields.slice(base);
  if (!innerAlg || !issuer || !subject || !spki) throw new DerError('TBSCertificate is missing fields');
  const extensions = fields.slice(base + 6).find((f) => f.tag === Tags.CONTEXT_3);
  const ids = extensions ? extensionValues(der, extensions) : {};
  return {
    der,
    subjectDer: der.subarray(subject.start, subject.end),
    issuerDer: der.subarray(issuer.start, issuer.end),
    spkiDer: der.subarray(spki.start, spki.end),
    subjectKeyIdentifier: ids.ski,
    authorityKeyIdentifier: ids.aki,
    signatureAlgorithmsMatch: der
      .subarray(innerAlg.start, innerAlg.end)
      .equals(der.subarray(outerAlg.start, outerAlg.end)),
  };
}
