// Does a leaf cover a DNS name or IP address? RFC 6125 as the Web PKI applies it: names come
// from subjectAltName only (never the common name), a wildcard is a whole leftmost label.
import ipaddr from 'ipaddr.js';
import type { GeneralNames } from '../pki/general-names.js';
import type { PeerName } from './policy.js';

/** Bytes of an IPv4 (4) or IPv6 (16) address in text, or undefined if it is not one. */
export function ipBytes(text: string): Uint8Array | undefined {
  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  if (ipaddr.IPv4.isValidFourPartDecimal(bare)) return Uint8Array.from(ipaddr.IPv4.parse(bare).toByteArray());
  if (ipaddr.IPv6.isValid(bare)) return Uint8Array.from(ipaddr.IPv6.parse(bare).toByteArray());
  return undefined;
}

/** A name as the caller gave it: an IP literal becomes kind `ip`, anything else `dns`. */
export function peerName(text: string): PeerName {
  return ipBytes(text) ? { kind: 'ip', value: text } : { kind: 'dns', value: text };
}

// RFC 1034 preferred name syntax (RFC 5280 4.2.1.6): letters, digits, inner hyphens.
const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i;

function validDnsName(name: string): boolean {
  if (name.length === 0 || name.length > 253) return false;
  return name.split('.').every((label) => LABEL.test(label));
}

/** A dNSName as a certificate may carry it: a host name, or `*.` and a name of two labels or more. */
export function isValidPresentedDnsName(name: string): boolean {
  if (name.startsWith('*.')) return name.slice(2).includes('.') && validDnsName(name.slice(2));
  return validDnsName(name);
}

function normalizeReference(name: string): string {
  const lower = name.toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}

/** Whether a presented dNSName (possibly `*.example.com`) matches a reference DNS name. */
export function dnsNameMatches(presented: string, reference: string): boolean {
  const ref = normalizeReference(reference);
  const pres = presented.toLowerCase();
  if (!validDnsName(ref)) return false;
  if (!isValidPresentedDnsName(pres)) return false;
  if (pres.startsWith('*.')) {
    // The wildcard stands for exactly one whole label.
    const dot = ref.indexOf('.');
    return dot > 0 && ref.slice(dot + 1) === pres.slice(2);
  }
  return pres === ref;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** Whether the leaf's subjectAltName covers `name`. */
export function leafCoversName(san: GeneralNames | undefined, name: PeerName): boolean {
  if (!san) return false;
  if (name.kind === 'ip') {
    const want = ipBytes(name.value);
    return want !== undefined && san.ip.some((ip) => sameBytes(ip, want));
  }
  return san.dns.some((presented) => dnsNameMatches(presented, name.value));
}
