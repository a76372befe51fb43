// A set of trust anchors, indexed by subject. An anchor is a name and a key: any certificate
// with the same subject and public key as an anchor stands for that anchor.
import type { Certificate } from '../pki/certificate.js';

export class AnchorSet {
  readonly #bySubject = new Map<string, Certificate[]>();
  readonly #fingerprints = new Set<string>();
  readonly size: number;

  constructor(certificates: Iterable<Certificate>) {
    for (const cert of certificates) {
      if (this.#fingerprints.has(cert.fingerprint)) continue;
      this.#fingerprints.add(cert.fingerprint);
      const list = this.#bySubject.get(cert.subjectKey);
      if (list) list.push(cert);
      else this.#bySubject.set(cert.subjectKey, [cert]);
    }
    this.size = this.#fingerprints.size;
  }

  /** Anchors whose subject is `cert`'s issuer: the anchors that may have signed it. */
  issuersOf(cert: Certificate): readonly Certificate[] {
    return this.#bySubject.get(cert.issuerKey) ?? [];
  }

  /** The anchors `cert` stands for (same subject and key), usually none or one. */
  matching(cert: Certificate): Certificate[] {
    return (this.#bySubject.get(cert.subjectKey) ?? []).filter((a) => a.spkiKey === cert.spkiKey);
  }

  has(cert: Certificate): boolean {
    return this.matching(cert).length > 0;
  }

  *[Symbol.iterator](): IterableIterator<Certificate> {
    for (const list of this.#bySubject.values()) yield* list;
  }
}
