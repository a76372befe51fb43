// RFC 5280 4.2.1.10 name constraints, with Chromium's treatment of wildcards: a wildcard name
// is permitted only if all it can stand for is permitted, and excluded if anything it can
// stand for is excluded. Names of a kind rechain cannot check, under a constraint of that
// kind, are refused rather than waved through.
import type { GeneralNameKind, GeneralNames, IpSubtree, NameSubtrees } from '../pki/general-names.js';
import { children, readTlv } from '../pki/der.js';

/** The names of one certificate that a CA's constraints apply to. */
export interface ConstrainedNames {
  dns: readonly string[];
  ip: readonly Uint8Array[];
  email: readonly string[];
  uri: readonly string[];
  directoryNames: readonly Uint8Array[];
  otherKinds: readonly GeneralNameKind[];
}

export type NameConstraintVerdict = { ok: true } | { ok: false; value: string };

function trimDot(s: string): string {
  return s.endsWith('.') ? s.slice(0, -1) : s;
}

/** Chromium's DNSNameMatches; `partialWildcard` for excluded subtrees. */
export function dnsWithinSubtree(name: string, constraint: string, partialWildcard: boolean): boolean {
  const c = trimDot(constraint.toLowerCase());
  if (c.length === 0) return true;
  const n = trimDot(name.toLowerCase());
  if (partialWildcard && n.startsWith('*.') && n.length > 2) {
    const dot = c.indexOf('.');
    if (dot !== -1 && c.slice(dot + 1) === n.slice(2)) return true;
  }
  if (!n.endsWith(c)) return false;
  if (n.length === c.length) return true;
  if (c.startsWith('.')) return true;
  return n[n.length - c.length - 1] === '.';
}

export function ipWithinSubtree(ip: Uint8Array, subtree: IpSubtree): boolean {
  if (ip.length !== subtree.address.length) return false;
  for (let i = 0; i < ip.length; i++) {
    if ((ip[i]! & subtree.mask[i]!) !== (subtree.address[i]! & subtree.mask[i]!)) return false;
  }
  return true;
}

/** RFC 5280: a mailbox, a host (all mailboxes there), or `.domain` (any host below it). */
export function emailWithinSubtree(email: string, constraint: string): boolean {
  const at = email.lastIndexOf('@');
  if (at <= 0) return false;
  if (constraint.includes('@')) {
    const cat = constraint.lastIndexOf('@');
    return email.slice(0, at) === constraint.slice(0, cat) && email.slice(at + 1).toLowerCase() === constraint.slice(cat + 1).toLowerCase();
  }
  return hostWithinDomain(email.slice(at + 1), constraint);
}

/** `.example.com` matches hosts below it; `example.com` matches that host only. */
function hostWithinDomain(host: string, constraint: string): boolean {
  const h = host.toLowerCase();
  const c = constraint.toLowerCase();
  if (c.startsWith('.')) return h.endsWith(c) && h.length > c.length;
  return h === c;
}

function uriHost(uri: string): string | undefined {
  const m = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]*)/i.exec(uri);
  const host = m?.[1];
  return host && !host.startsWith('[') ? host : undefined;
}

export function uriWithinSubtree(uri: string, constraint: string): boolean {
  const host = uriHost(uri);
  return host !== undefined && host.length > 0 && hostWithinDomain(host, constraint);
}

/** A Name is within a directoryName subtree when the subtree's RDNs are a prefix of its RDNs. */
export function directoryNameWithinSubtree(name: Uint8Array, subtree: Uint8Array): boolean {
  try {
    const nameRdns = children(name, readTlv(name, 0));
    const treeRdns = children(subtree, readTlv(subtree, 0));
    if (treeRdns.length > nameRdns.length) return false;
    return treeRdns.every((t, i) => {
      const n = nameRdns[i]!;
      return Buffer.compare(subtree.subarray(t.start, t.end), name.subarray(n.start, n.end)) === 0;
    });
  } catch {
    return false;
  }
}

function describeIp(ip: Uint8Array): string {
  return ip.length === 4 ? Array.from(ip).join('.') : Buffer.from(ip).toString('hex').replace(/(.{4})(?!$)/g, '$1:');
}

/** How many comparisons checking `names` against `subtrees` costs. */
export function comparisonCount(names: ConstrainedNames, subtrees: NameSubtrees): number {
  return (
    names.dns.length * subtrees.dns.length +
    names.ip.length * subtrees.ip.length +
    names.email.length * subtrees.email.length +
    names.uri.length * subtrees.uri.length +
    names.directoryNames.length * subtrees.directoryNames.length
  );
}

/** The first name that an excluded subtree covers or no permitted subtree of its kind covers. */
function firstViolation<N, T>(
  names: readonly N[],
  permitted: readonly T[] | undefined,
  excluded: readonly T[] | undefined,
  within: (name: N, tree: T, partialWildcard: boolean) => boolean,
  show: (name: N) => string,
): string | undefined {
  for (const name of names) {
    if (excluded?.some((tree) => within(name, tree, true))) return show(name);
    if (permitted && permitted.length > 0 && !permitted.some((tree) => within(name, tree, false))) return show(name);
  }
  return undefined;
}

/** Check one certificate's names against one CA's permitted and excluded subtrees. */
export function checkNamesAgainstConstraints(
  names: ConstrainedNames,
  permitted: NameSubtrees | undefined,
  excluded: NameSubtrees | undefined,
): NameConstraintVerdict {
  for (const kind of names.otherKinds) {
    if (permitted?.otherKinds.includes(kind) || excluded?.otherKinds.includes(kind)) return { ok: false, value: kind };
  }
  const violation =
    firstViolation(names.dns, permitted?.dns, excluded?.dns, dnsWithinSubtree, (n) => n) ??
    firstViolation(names.ip, permitted?.ip, excluded?.ip, ipWithinSubtree, describeIp) ??
    firstViolation(names.email, permitted?.email, excluded?.email, emailWithinSubtree, (n) => n) ??
    firstViolation(names.uri, permitted?.uri, excluded?.uri, uriWithinSubtree, (n) => n) ??
    firstViolation(names.directoryNames, permitted?.directoryNames, excluded?.directoryNames, directoryNameWithinSubtree, () => 'directoryName');
  if (violation !== undefined) return { ok: false, value: violation };
  return { ok: true };
}

/** The names of a certificate that constraints apply to: its SANs and its subject DN. */
export function constrainedNamesOf(san: GeneralNames | undefined, subjectDer: Uint8Array): ConstrainedNames {
  const emptySubject = subjectDer.length <= 2;
  return {
    dns: san?.dns ?? [],
    ip: san?.ip ?? [],
    email: san?.email ?? [],
    uri: san?.uri ?? [],
    directoryNames: [...(san?.directoryNames ?? []), ...(emptySubject ? [] : [subjectDer])],
    otherKinds: san?.otherKinds ?? [],
  };
}
