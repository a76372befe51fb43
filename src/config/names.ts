// Names in the configuration: SNI names of routes, names a certificate must cover, and patterns
// for a peer's subjectAltName. Checked here, matched at runtime by net/ and chain/.
import { ipBytes, isValidPresentedDnsName } from '../chain/hostname.js';
import type { SanPattern } from './types.js';

const SNI_HAS_NO_IP = 'is an IP address; SNI carries host names only';

/** An SNI name a route answers: `db.cluster.test` or `*.cluster.test` (one whole label). */
export function hostPatternProblem(text: string): string | undefined {
  if (ipBytes(text)) return `"${text}" ${SNI_HAS_NO_IP}`;
  if (isValidPresentedDnsName(text)) return undefined;
  return `"${text}" is not a host name, or a wildcard such as *.example.com`;
}

/** A host name to send as SNI: no wildcard, no IP address. */
export function hostNameProblem(text: string): string | undefined {
  if (ipBytes(text)) return `"${text}" ${SNI_HAS_NO_IP}`;
  return isExactDnsName(text) ? undefined : `"${text}" is not a host name`;
}

/** A name a leaf must cover: a host name or an IP address. */
export function peerNameProblem(text: string): string | undefined {
  if (ipBytes(text) || isExactDnsName(text)) return undefined;
  return `"${text}" is neither a host name nor an IP address`;
}

function isExactDnsName(text: string): boolean {
  return !text.includes('*') && isValidPresentedDnsName(text);
}

const URI_SCHEME = /^[a-z][a-z0-9+.-]*:\/\/[^\s*]+(\/\*)?$/i;

/** The kind of a SAN pattern, or a problem: its shape decides (`://` URI, `@` email, IP, DNS). */
function classifySan(text: string): SanPattern | string {
  if (text.includes('://')) {
    return URI_SCHEME.test(text)
      ? { kind: 'uri', pattern: text }
      : `"${text}" is not a URI pattern such as spiffe://cluster.test/ns/prod/sa/api or spiffe://cluster.test/*`;
  }
  const at = text.lastIndexOf('@');
  if (at >= 0) {
    const local = text.slice(0, at);
    const domain = text.slice(at + 1).toLowerCase();
    const localOk = local === '*' || /^[^\s@*]+$/.test(local);
    return localOk && isExactDnsName(domain)
      ? { kind: 'email', pattern: `${local}@${domain}` }
      : `"${text}" is not an email pattern such as ops@example.com or *@example.com`;
  }
  if (ipBytes(text)) return { kind: 'ip', pattern: text };
  return isValidPresentedDnsName(text)
    ? { kind: 'dns', pattern: text.toLowerCase() }
    : `"${text}" is not a SAN pattern: a DNS name (*.example.com), URI (spiffe://...), email or IP`;
}

export function sanPatternProblem(text: string): string | undefined {
  const result = classifySan(text);
  return typeof result === 'string' ? result : undefined;
}

/** The pattern of text already validated by `sanPatternProblem`. */
export function sanPattern(text: string): SanPattern {
  const result = classifySan(text);
  if (typeof result === 'string') throw new Error(`unchecked SAN pattern: ${result}`);
  return result;
}
