// Signature algorithms by OID: their name and hash, for the algorithm floor and for display.
import { children, oidToString, readTlv, Tags } from './der.js';

export type HashName = 'md2' | 'md5' | 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512' | 'intrinsic' | 'unknown';

export interface SignatureAlgorithm {
  readonly oid: string;
  /** e.g. `ecdsa-with-SHA256`, `sha256WithRSAEncryption`, `RSASSA-PSS(sha256)`, `Ed25519`. */
  readonly name: string;
  readonly hash: HashName;
}

const KNOWN: Record<string, { name: string; hash: HashName }> = {
  '1.2.840.113549.1.1.2': { name: 'md2WithRSAEncryption', hash: 'md2' },
  '1.2.840.113549.1.1.4': { name: 'md5WithRSAEncryption', hash: 'md5' },
  '1.2.840.113549.1.1.5': { name: 'sha1WithRSAEncryption', hash: 'sha1' },
  '1.2.840.113549.1.1.11': { name: 'sha256WithRSAEncryption', hash: 'sha256' },
  '1.2.840.113549.1.1.12': { name: 'sha384WithRSAEncryption', hash: 'sha384' },
  '1.2.840.113549.1.1.13': { name: 'sha512WithRSAEncryption', hash: 'sha512' },
  '1.2.840.113549.1.1.14': { name: 'sha224WithRSAEncryption', hash: 'sha224' },
  '1.2.840.10045.4.1': { name: 'ecdsa-with-SHA1', hash: 'sha1' },
  '1.2.840.10045.4.3.1': { name: 'ecdsa-with-SHA224', hash: 'sha224' },
  '1.2.840.10045.4.3.2': { name: 'ecdsa-with-SHA256', hash: 'sha256' },
  '1.2.840.10045.4.3.3': { name: 'ecdsa-with-SHA384', hash: 'sha384' },
  '1.2.840.10045.4.3.4': { name: 'ecdsa-with-SHA512', hash: 'sha512' },
  '1.2.840.10040.4.3': { name: 'dsa-with-sha1', hash: 'sha1' },
  '2.16.840.1.101.3.4.3.2': { name: 'dsa-with-sha256', hash: 'sha256' },
  '1.3.101.112': { name: 'Ed25519', hash: 'intrinsic' },
  '1.3.101.113': { name: 'Ed448', hash: 'intrinsic' },
};

const HASH_BY_OID: Record<string, HashName> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
  '2.16.840.1.101.3.4.2.4': 'sha224',
};

const RSASSA_PSS = '1.2.840.113549.1.1.10';

/** The hash of RSASSA-PSS parameters: `[0] EXPLICIT AlgorithmIdentifier`, SHA-1 when absent. */
function pssHash(params: Uint8Array | undefined): HashName {
  if (!params || params.length === 0) return 'sha1';
  try {
    const seq = readTlv(params, 0);
    if (seq.tag !== Tags.SEQUENCE) return 'unknown';
    const hashField = children(params, seq).find((c) => c.tag === Tags.CONTEXT_0);
    if (!hashField) return 'sha1';
    const alg = readTlv(params, hashField.contentStart, hashField.end);
    const oid = readTlv(params, alg.contentStart, alg.end);
    return HASH_BY_OID[oidToString(params.subarray(oid.contentStart, oid.end))] ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

export function describeSignatureAlgorithm(oid: string, params?: ArrayBuffer | null): SignatureAlgorithm {
  if (oid === RSASSA_PSS) {
    const hash = pssHash(params ? new Uint8Array(params) : undefined);
    return { oid, name: `RSASSA-PSS(${hash})`, hash };
  }
  const known = KNOWN[oid];
  return known ? { oid, ...known } : { oid, name: oid, hash: 'unknown' };
}
