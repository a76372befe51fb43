// Test PKIs written to files, and the openssl CLI to turn them into the formats operators have
// (PKCS#12, PKCS#7, DER, SEC1/PKCS#1/encrypted keys, c_rehash directories). Generated per test.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RechainError } from '../../src/errors.js';
import { issue, type Issued, type KeyAlgorithm } from '../../src/pki/generate.js';

const DAY = 24 * 60 * 60 * 1000;

export interface TestPki {
  readonly root: Issued;
  readonly intermediate: Issued;
  readonly leaf: Issued;
}

export async function makePki(algorithm: KeyAlgorithm = 'ec-p256', prefix = 'Test'): Promise<TestPki> {
  const now = Date.now();
  const validity = { notBefore: new Date(now - DAY), notAfter: new Date(now + 30 * DAY), algorithm };
  const root = await issue({ subject: `${prefix} Root`, ca: true, ...validity });
  const intermediate = await issue({ subject: `${prefix} Intermediate`, issuer: root, ca: true, pathLen: 0, ...validity });
  const leaf = await issue({ subject: 'leaf.test', issuer: intermediate, names: ['leaf.test'], ...validity });
  return { root, intermediate, leaf };
}

/** Run openssl; its stderr is kept out of the TAP stream and shown only on failure. */
export function openssl(...args: string[]): Buffer {
  return execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Write `content` to `dir/name` and return the path. */
export function write(dir: string, name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** The PKI as files: leaf.pem, chain.pem (intermediate, root), leaf.key (PKCS#8), bundle.pem (leaf, intermediate). */
export function writePki(dir: string, pki: TestPki): { leaf: string; key: string; chain: string; bundle: string; root: string } {
  return {
    leaf: write(dir, 'leaf.pem', pki.leaf.pem),
    key: write(dir, 'leaf.key', pki.leaf.keyPem),
    chain: write(dir, 'chain.pem', pki.intermediate.pem + pki.root.pem),
    bundle: write(dir, 'bundle.pem', pki.leaf.pem + pki.intermediate.pem),
    root: write(dir, 'root.pem', pki.root.pem),
  };
}

/** A PKCS#12 of the leaf, its key and the chain; `legacy` uses OpenSSL 1.x's 3DES/RC2. */
export function writePkcs12(dir: string, name: string, files: ReturnType<typeof writePki>, password: string, legacy = false): string {
  const out = join(dir, name);
  const args = ['pkcs12', '-export', '-in', files.leaf, '-inkey', files.key, '-certfile', files.chain, '-out', out, '-passout', `pass:${password}`];
  openssl(...args, ...(legacy ? ['-legacy'] : []));
  return out;
}

export function fingerprints(certs: readonly { fingerprint: string }[]): string[] {
  return certs.map((c) => c.fingerprint);
}

/** The error a promise rejects with, to look at more than one property of it. */
export async function rejection(promise: Promise<unknown>): Promise<RechainError> {
  try {
    await promise;
  } catch (e) {
    return e as RechainError;
  }
  throw new Error('expected a rejection');
}
