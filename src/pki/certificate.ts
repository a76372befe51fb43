// pki/ owns certificates, keys and their formats (PEM, DER, PKCS#7, PKCS#12), the only adapters
// to @peculiar/x509 (x509.ts) and node-forge (pkcs12.ts), and test-PKI generation. It must not
// import chain/, config/ or anything that serves.
//
// A certificate as rechain passes it around: DER plus a cheap raw index, with fingerprints and
// full facts computed on first use and kept. Immutable once built.
import { createHash, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import { encodePem } from './pem.js';
import { decodeFacts, type CertificateFacts } from './facts.js';
import { readRawCertificate, type RawCertificate } from './raw-certificate.js';

export class Certificate {
  readonly der: Buffer;
  readonly raw: RawCertificate;
  /** Where it came from (a file path, `bundled`, `system`...), for explanations. */
  readonly source: string | undefined;
  /** Map keys: the exact DER of the subject / issuer Names and of the SubjectPublicKeyInfo. */
  readonly subjectKey: string;
  readonly issuerKey: string;
  readonly spkiKey: string;

  #fingerprint: string | undefined;
  #spkiSha256: string | undefined;
  #facts: CertificateFacts | undefined;
  #factsError: Error | undefined;
  #node: X509Certificate | undefined;
  #publicKey: KeyObject | undefined;

  private constructor(raw: RawCertificate, source: string | undefined) {
    this.der = raw.der;
    this.raw = raw;
    this.source = source;
    this.subjectKey = raw.subjectDer.toString('latin1');
    this.issuerKey = raw.issuerDer.toString('latin1');
    this.spkiKey = raw.spkiDer.toString('latin1');
  }

  /** Throws DerError when the bytes are not a certificate. */
  static fromDer(der: Uint8Array, source?: string): Certificate {
    const buf = Buffer.isBuffer(der) ? der : Buffer.from(der.buffer, der.byteOffset, der.byteLength);
    return new Certificate(readRawCertificate(buf), source);
  }

  /** The same certificate, labelled with another source. */
  withSource(source: string): Certificate {
    return new Certificate(this.raw, source);
  }

  /** SHA-256 of the DER, lowercase hex. */
  get fingerprint(): string {
    return (this.#fingerprint ??= createHash('sha256').update(this.der).digest('hex'));
  }

  /** SHA-256 of the SubjectPublicKeyInfo DER, lowercase hex (the key's identity). */
  get spkiSha256(): string {
    return (this.#spkiSha256 ??= createHash('sha256').update(this.raw.spkiDer).digest('hex'));
  }

  get selfIssued(): boolean {
    return this.subjectKey === this.issuerKey;
  }

  /** Full facts, or undefined when the certificate does not decode (see factsError). */
  get facts(): CertificateFacts | undefined {
    this.#decode();
    return this.#facts;
  }

  get factsError(): Error | undefined {
    this.#decode();
    return this.#factsError;
  }

  #decode(): void {
    if (this.#facts || this.#factsError) return;
    try {
      this.#facts = decodeFacts(this.raw);
    } catch (e) {
      this.#factsError = e instanceof Error ? e : new Error(String(e));
    }
  }

  /** Facts, throwing when the certificate does not decode. */
  requireFacts(): CertificateFacts {
    const facts = this.facts;
    if (!facts) throw this.#factsError ?? new Error('certificate does not decode');
    return facts;
  }

  /** Node's OpenSSL-backed view, used for signature checks and PEM output. */
  get node(): X509Certificate {
    return (this.#node ??= new X509Certificate(this.der));
  }

  get publicKey(): KeyObject {
    return (this.#publicKey ??= createPublicKey({ key: this.raw.spkiDer, format: 'der', type: 'spki' }));
  }

  /** `CN (ab12cd34)`: the common name, or the whole subject, with a short fingerprint. */
  get label(): string {
    const facts = this.facts;
    const name = facts ? (facts.commonNames[0] ?? facts.subject) : '<undecodable>';
    return `${name} (${this.fingerprint.slice(0, 8)})`;
  }

  toPem(): string {
    return encodePem('CERTIFICATE', this.der);
  }
}
