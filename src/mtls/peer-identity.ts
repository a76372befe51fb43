// A verified peer, as the backend learns it: Envoy's X-Forwarded-Client-Cert in HTTP mode,
// the PROXY v2 TLVs in TCP mode. Built only from a chain the engine verified.
import type { XfccDetail } from '../config/types.js';
import type { Certificate } from '../pki/certificate.js';
import { nameToRfc2253 } from '../pki/x509.js';

export interface PeerIdentity {
  /** Leaf first, then the intermediates of the verified path (no anchor). */
  readonly chain: readonly Certificate[];
  /** What admitted it: `any verified certificate`, `san spiffe://...`, ... */
  readonly allowedBy: string;
}

export function leafOf(identity: PeerIdentity): Certificate {
  return identity.chain[0]!;
}

// Envoy quotes a value that contains a separator; inside quotes, `"` and `\` are escaped.
function value(text: string): string {
  return /[",;=\\]/.test(text) ? `"${text.replace(/["\\]/g, (c) => `\\${c}`)}"` : text;
}

/**
 * Envoy's format: `Hash=<hex>;Cert="<url-encoded PEM>";Chain="...";Subject="<RFC 2253 DN>";URI=<uri>;DNS=<dns>`,
 * fields in that order, one `URI=` / `DNS=` pair per SAN. Subject is always quoted, as Envoy does.
 */
export function xfccValue(identity: PeerIdentity, details: readonly XfccDetail[]): string {
  const leaf = leafOf(identity);
  const facts = leaf.facts;
  const parts: string[] = [];
  if (details.includes('Hash')) parts.push(`Hash=${leaf.fingerprint}`);
  if (details.includes('Cert')) parts.push(`Cert="${encodeURIComponent(leaf.toPem())}"`);
  if (details.includes('Chain')) parts.push(`Chain="${encodeURIComponent(identity.chain.map((c) => c.toPem()).join(''))}"`);
  // RFC 2253 order and escaping (which already escapes `"` and `\`), as Envoy prints it.
  if (details.includes('Subject')) parts.push(`Subject="${nameToRfc2253(leaf.raw.subjectDer)}"`);
  if (details.includes('URI')) for (const uri of facts?.subjectAltName?.uri ?? []) parts.push(`URI=${value(uri)}`);
  if (details.includes('DNS')) for (const dns of facts?.subjectAltName?.dns ?? []) parts.push(`DNS=${value(dns)}`);
  return parts.join(';');
}
