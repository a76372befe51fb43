// Allow-lists for peer certificates (ghostunnel's --allow-*): by certificate fingerprint, by
// key (SPKI SHA-256), or by a subjectAltName pattern. Empty lists allow any verified peer.
import { dnsNameMatches, ipBytes } from '../chain/hostname.js';
import type { AllowList, SanPattern } from '../config/types.js';
import type { Certificate } from '../pki/certificate.js';

export function allowListIsEmpty(allow: AllowList): boolean {
  return allow.fingerprints.length === 0 && allow.spki.length === 0 && allow.sans.length === 0;
}

function sameIp(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

export function sanMatches(leaf: Certificate, pattern: SanPattern): boolean {
  const san = leaf.facts?.subjectAltName;
  if (!san) return false;
  switch (pattern.kind) {
    case 'dns':
      // A pattern `*.example.com` admits one label, like a certificate wildcard; an exact
      // pattern admits that name. The peer's own SAN must be a plain name, never a wildcard.
      return san.dns.some((name) => !name.includes('*') && (pattern.pattern === name.toLowerCase() || (pattern.pattern.startsWith('*.') && dnsNameMatches(pattern.pattern, name))));
    case 'ip': {
      const want = ipBytes(pattern.pattern);
      return want !== undefined && san.ip.some((ip) => sameIp(ip, want));
    }
    case 'uri':
      return san.uri.some((uri) => (pattern.pattern.endsWith('/*') ? uri.startsWith(pattern.pattern.slice(0, -1)) : uri === pattern.pattern));
    case 'email': {
      const [local, domain] = [pattern.pattern.slice(0, pattern.pattern.lastIndexOf('@')), pattern.pattern.slice(pattern.pattern.lastIndexOf('@') + 1)];
      return san.email.some((email) => {
        const at = email.lastIndexOf('@');
        return email.slice(at + 1).toLowerCase() === domain && (local === '*' || email.slice(0, at) === local);
      });
    }
  }
}

/** Which entry admits the leaf, for the decision log; undefined when none does. */
export function allowedBy(leaf: Certificate, allow: AllowList): string | undefined {
  if (allowListIsEmpty(allow)) return 'any verified certificate';
  if (allow.fingerprints.includes(leaf.fingerprint)) return `fingerprint ${leaf.fingerprint}`;
  if (allow.spki.includes(leaf.spkiSha256)) return `spki ${leaf.spkiSha256}`;
  const san = allow.sans.find((p) => sanMatches(leaf, p));
  return san ? `san ${san.pattern}` : undefined;
}
