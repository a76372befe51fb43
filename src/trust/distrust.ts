// Distrust entries (DESIGN §2): a SHA-256 of a certificate's DER or of its SubjectPublicKeyInfo,
// as people paste them: `sha256:` prefix or not, colons or spaces between bytes, any case. The
// engine checks each value against both hashes, so the entry does not say which it is.
import { ErrorCodes, RechainError } from '../errors.js';

/** Normalized lowercase hex; throws E_CONFIG (with `field` when given) otherwise. */
export function parseDistrustEntry(text: string, field?: string): string {
  const hex = text.trim().replace(/^sha256:/i, '').replace(/[:\s]/g, '').toLowerCase();
  if (/^[0-9a-f]{64}$/.test(hex)) return hex;
  const shown = text.length > 100 ? `${text.slice(0, 100)}...` : text;
  const sha1 = /^[0-9a-f]{40}$/.test(hex) ? ' (this looks like a SHA-1 fingerprint)' : '';
  const message =
    `distrust entry "${shown}" is not a SHA-256 fingerprint${sha1}: expected 64 hex digits, ` +
    'optionally prefixed `sha256:`, e.g. from `openssl x509 -noout -fingerprint -sha256`';
  throw new RechainError(ErrorCodes.CONFIG, message, field === undefined ? {} : { field });
}
