// The certificates a path may use between leaf and anchor, indexed by subject, offered in order
// of plausibility as Go's crypto/x509 does: a key-identifier match first, then certificates
// where one side has no key identifier, then mismatches (still tried: identifiers lie).
import type { Certificate } from '../pki/certificate.js';

export function plausibility(child: Certificate, issuer: Certificate): number {
  const aki = child.raw.authorityKeyIdentifier;
  const ski = issuer.raw.subjectKeyIdentifier;
  if (aki === undefined || ski === undefined) return 1;
  return aki === ski ? 0 : 2;
}

export function byPlausibility(child: Certificate, issuers: readonly Certificate[]): Certificate[] {
  return issuers
    .map((issuer, index) => ({ issuer, index, score: plausibility(child, issuer) }))
    .sort((a, b) => a.score - b.score || a.index - b.index)
    .map((e) => e.issuer);
}

export class CandidatePool {
  readonly #bySubject = new Map<string, Certificate[]>();

  /** Earlier certificates win duplicates, so pass the configured bundle before the pool. */
  constructor(certificates: Iterable<Certificate>) {
    for (const cert of certificates) this.add(cert);
  }

  add(cert: Certificate): void {
    // The DER itself identifies a duplicate without hashing 5,000 certificates up front.
    const list = this.#bySubject.get(cert.subjectKey);
    if (list?.some((c) => c.der.equals(cert.der))) return;
    if (list) list.push(cert);
    else this.#bySubject.set(cert.subjectKey, [cert]);
  }

  issuersOf(child: Certificate): Certificate[] {
    const list = this.#bySubject.get(child.issuerKey);
    return list ? byPlausibility(child, list) : [];
  }

  get size(): number {
    let n = 0;
    for (const list of this.#bySubject.values()) n += list.length;
    return n;
  }
}
