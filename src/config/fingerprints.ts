// SHA-256 hashes as operators paste them: `sha256:AB:CD:...` from openssl, bare hex from
// sha256sum, either case. Normalized to 64 lowercase hex characters.
import type { PreferRoot } from '../chain/policy.js';

const PREFIX = /^sha256:/i;

/** Lowercase hex of a SHA-256 written with an optional `sha256:` prefix and colons, or undefined. */
export function normalizeSha256(text: string): string | undefined {
  const hex = text.replace(PREFIX, '').replace(/:/g, '').toLowerCase();
  return /^[0-9a-f]{64}$/.test(hex) ? hex : undefined;
}

export function sha256Problem(text: string): string | undefined {
  if (normalizeSha256(text) !== undefined) return undefined;
  const sha1 = /^[0-9a-f]{40}$/i.test(text.replace(/:/g, '')) ? ' (this looks like a SHA-1 fingerprint)' : '';
  return `"${text}" is not a SHA-256${sha1}: 64 hex digits, optionally with a sha256: prefix and colons, as \`openssl x509 -noout -fingerprint -sha256\` prints`;
}

/** A preferred root: `sha256:<hex>` is the SPKI hash of the root's key, anything else its common name. */
export function preferRoot(text: string): PreferRoot {
  if (!PREFIX.test(text)) return { kind: 'name', commonName: text };
  const sha256 = normalizeSha256(text);
  if (sha256 === undefined) throw new Error(`unchecked preferred root ${JSON.stringify(text)}`);
  return { kind: 'spki', sha256 };
}

export function preferRootProblem(text: string): string | undefined {
  if (PREFIX.test(text)) return sha256Problem(text);
  return text.trim() === '' ? 'must be a root common name or sha256:<SPKI hex>' : undefined;
}

/** Normalized hashes of already validated text, first occurrence kept. */
export function sha256List(texts: readonly string[]): string[] {
  return [...new Set(texts.map((t) => normalizeSha256(t)!))];
}
