// The signature-check port of the chain engine, and its node:crypto implementation.
// node's X509Certificate#verify is synchronous and handles every algorithm OpenSSL does
// (RSA, RSA-PSS, ECDSA, EdDSA). Results are cached per (child, issuer key).
import type { Certificate } from './certificate.js';

export interface SignatureVerifier {
  /** Whether `child` carries a valid signature by `issuer`'s public key. */
  verify(child: Certificate, issuer: Certificate): boolean;
  /** Whether the answer is already known (a cached check costs no budget). */
  isCached(child: Certificate, issuer: Certificate): boolean;
}

// A long-running proxy recomputes chains for the same certificates again and again; the cache
// is bounded so that rotating pools cannot grow it without limit.
const MAX_CACHE_ENTRIES = 100_000;

export class CachingSignatureVerifier implements SignatureVerifier {
  readonly #cache = new Map<string, boolean>();

  #key(child: Certificate, issuer: Certificate): string {
    return `${child.fingerprint}|${issuer.spkiSha256}`;
  }

  isCached(child: Certificate, issuer: Certificate): boolean {
    return this.#cache.has(this.#key(child, issuer));
  }

  verify(child: Certificate, issuer: Certificate): boolean {
    const key = this.#key(child, issuer);
    const cached = this.#cache.get(key);
    if (cached !== undefined) return cached;
    let ok: boolean;
    try {
      ok = child.node.verify(issuer.publicKey);
    } catch {
      ok = false; // unparsable by OpenSSL, or an algorithm it does not support
    }
    if (this.#cache.size >= MAX_CACHE_ENTRIES) this.#cache.clear();
    this.#cache.set(key, ok);
    return ok;
  }
}
