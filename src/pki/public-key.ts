// The kind and strength of a subject public key, for the algorithm floor and for display.
import { children, oidToString, readTlv, Tags } from './der.js';

export type PublicKeyAlgorithm = 'rsa' | 'rsa-pss' | 'ec' | 'ed25519' | 'ed448' | 'dsa' | 'unknown';

export interface PublicKeyFacts {
  readonly algorithm: PublicKeyAlgorithm;
  /** RSA modulus size in bits. */
  readonly bits: number | undefined;
  /** `P-256`, `P-384`, `P-521`, another curve's OID, or `explicit` for inline parameters. */
  readonly curve: string | undefined;
}

const ALGORITHMS: Record<string, PublicKeyAlgorithm> = {
  '1.2.840.113549.1.1.1': 'rsa',
  '1.2.840.113549.1.1.10': 'rsa-pss',
  '1.2.840.10045.2.1': 'ec',
  '1.3.101.112': 'ed25519',
  '1.3.101.113': 'ed448',
  '1.2.840.10040.4.1': 'dsa',
};

const CURVES: Record<string, string> = {
  '1.2.840.10045.3.1.7': 'P-256',
  '1.3.132.0.34': 'P-384',
  '1.3.132.0.35': 'P-521',
};

function rsaModulusBits(key: Uint8Array): number | undefined {
  try {
    const seq = readTlv(key, 0);
    const modulus = children(key, seq)[0];
    if (!modulus || modulus.tag !== Tags.INTEGER) return undefined;
    let start = modulus.contentStart;
    while (start < modulus.end && key[start] === 0) start++;
    if (start === modulus.end) return 0;
    return (modulus.end - start - 1) * 8 + (32 - Math.clz32(key[start]!));
  } catch {
    return undefined;
  }
}

function ecCurve(params: Uint8Array | undefined): string | undefined {
  if (!params || params.length === 0) return undefined;
  try {
    const t = readTlv(params, 0);
    if (t.tag === Tags.SEQUENCE) return 'explicit';
    if (t.tag !== Tags.OID) return undefined;
    const oid = oidToString(params.subarray(t.contentStart, t.end));
    return CURVES[oid] ?? oid;
  } catch {
    return undefined;
  }
}

export interface SpkiView {
  algorithm: { algorithm: string; parameters?: ArrayBuffer | null };
  subjectPublicKey: ArrayBuffer;
}

export function describePublicKey(spki: SpkiView): PublicKeyFacts {
  const algorithm = ALGORITHMS[spki.algorithm.algorithm] ?? 'unknown';
  const key = new Uint8Array(spki.subjectPublicKey);
  const params = spki.algorithm.parameters ? new Uint8Array(spki.algorithm.parameters) : undefined;
  return {
    algorithm,
    bits: algorithm === 'rsa' || algorithm === 'rsa-pss' ? rsaModulusBits(key) : undefined,
    curve: algorithm === 'ec' ? ecCurve(params) : undefined,
  };
}
