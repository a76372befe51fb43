// GeneralNames (subjectAltName) and NameConstraints, decoded with the DER walker. The
// @peculiar schemas turn iPAddress into text and lose what matters for constraints (a
// non-contiguous mask, a wrong length), so these two structures are read byte for byte.
import { children, readTlv, Tags, type Tlv } from './der.js';

export type GeneralNameKind =
  | 'otherName'
  | 'rfc822Name'
  | 'dNSName'
  | 'x400Address'
  | 'directoryName'
  | 'ediPartyName'
  | 'uniformResourceIdentifier'
  | 'iPAddress'
  | 'registeredID';

const KIND_BY_TAG_NUMBER: readonly GeneralNameKind[] = [
  'otherName',
  'rfc822Name',
  'dNSName',
  'x400Address',
  'directoryName',
  'ediPartyName',
  'uniformResourceIdentifier',
  'iPAddress',
  'registeredID',
];

export interface GeneralNames {
  dns: string[];
  email: string[];
  uri: string[];
  /** 4 or 16 bytes each (any other length is kept and never matches). */
  ip: Uint8Array[];
  /** DER of each directoryName's Name. */
  directoryNames: Uint8Array[];
  /** Kinds rechain does not interpret (otherName, x400Address, ediPartyName, registeredID). */
  otherKinds: GeneralNameKind[];
  /** A name that is not valid for its kind (non-IA5 text, empty DNS name). */
  malformed: boolean;
}

export interface IpSubtree {
  address: Uint8Array;
  mask: Uint8Array;
}

export interface NameSubtrees {
  dns: string[];
  email: string[];
  uri: string[];
  ip: IpSubtree[];
  directoryNames: Uint8Array[];
  otherKinds: GeneralNameKind[];
}

export interface NameConstraints {
  permitted: NameSubtrees | undefined;
  excluded: NameSubtrees | undefined;
  /** A subtree that cannot be interpreted (bad IP length or mask, minimum/maximum set). */
  malformed: boolean;
}

function emptyNames(): GeneralNames {
  return { dns: [], email: [], uri: [], ip: [], directoryNames: [], otherKinds: [], malformed: false };
}

function kindOf(tag: number): GeneralNameKind | undefined {
  if ((tag & 0xc0) !== 0x80) return undefined;
  return KIND_BY_TAG_NUMBER[tag & 0x1f];
}

function ia5(buf: Uint8Array, t: Tlv): string | undefined {
  const bytes = buf.subarray(t.contentStart, t.end);
  for (const b of bytes) if (b > 0x7e || b < 0x20) return undefined;
  return Buffer.from(bytes).toString('latin1');
}

/** Add one GeneralName to `into`; returns false if it is malformed. */
function addGeneralName(buf: Uint8Array, t: Tlv, into: GeneralNames): boolean {
  const kind = kindOf(t.tag);
  switch (kind) {
    case 'dNSName':
    case 'rfc822Name':
    case 'uniformResourceIdentifier': {
      const text = ia5(buf, t);
      if (text === undefined) return false;
      if (kind === 'dNSName') into.dns.push(text);
      else if (kind === 'rfc822Name') into.email.push(text);
      else into.uri.push(text);
      return true;
    }
    case 'iPAddress':
      into.ip.push(buf.slice(t.contentStart, t.end));
      return true;
    case 'directoryName': {
      const inner = readTlv(buf, t.contentStart, t.end);
      into.directoryNames.push(buf.slice(inner.start, inner.end));
      return true;
    }
    case undefined:
      return false;
    default:
      into.otherKinds.push(kind);
      return true;
  }
}

/** Decode a subjectAltName extension value. Throws DerError on broken DER. */
export function decodeGeneralNames(value: Uint8Array): GeneralNames {
  const names = emptyNames();
  const seq = readTlv(value, 0);
  if (seq.tag !== Tags.SEQUENCE || seq.end !== value.length) {
    names.malformed = true;
    return names;
  }
  for (const t of children(value, seq)) {
    if (!addGeneralName(value, t, names)) names.malformed = true;
  }
  return names;
}

function isContiguousMask(mask: Uint8Array): boolean {
  let seenZero = false;
  for (const byte of mask) {
    for (let bit = 7; bit >= 0; bit--) {
      const one = (byte >> bit) & 1;
      if (one && seenZero) return false;
      if (!one) seenZero = true;
    }
  }
  return true;
}

function decodeSubtrees(buf: Uint8Array, container: Tlv): { subtrees: NameSubtrees; malformed: boolean } {
  const names = emptyNames();
  const ip: IpSubtree[] = [];
  // GeneralSubtrees ::= SEQUENCE SIZE (1..MAX) OF GeneralSubtree
  let malformed = container.contentStart === container.end;
  for (const subtree of children(buf, container)) {
    if (subtree.tag !== Tags.SEQUENCE) {
      malformed = true;
      continue;
    }
    const parts = children(buf, subtree);
    const base = parts[0];
    // RFC 5280 4.2.1.10: minimum MUST be zero and maximum MUST be absent.
    if (!base || parts.length > 1) malformed = true;
    if (!base) continue;
    if (kindOf(base.tag) === 'iPAddress') {
      const raw = buf.subarray(base.contentStart, base.end);
      const half = raw.length / 2;
      if ((raw.length !== 8 && raw.length !== 32) || !isContiguousMask(raw.subarray(half))) {
        malformed = true;
        continue;
      }
      ip.push({ address: raw.slice(0, half), mask: raw.slice(half) });
      continue;
    }
    if (!addGeneralName(buf, base, names)) malformed = true;
  }
  const { dns, email, uri, directoryNames, otherKinds } = names;
  return { subtrees: { dns, email, uri, ip, directoryNames, otherKinds }, malformed: malformed || names.malformed };
}

/** Decode a nameConstraints extension value. Throws DerError on broken DER. */
export function decodeNameConstraints(value: Uint8Array): NameConstraints {
  const seq = readTlv(value, 0);
  const result: NameConstraints = { permitted: undefined, excluded: undefined, malformed: false };
  if (seq.tag !== Tags.SEQUENCE || seq.end !== value.length) return { ...result, malformed: true };
  for (const part of children(value, seq)) {
    const decoded = decodeSubtrees(value, part);
    if (part.tag === 0xa0) result.permitted = decoded.subtrees;
    else if (part.tag === 0xa1) result.excluded = decoded.subtrees;
    else result.malformed = true;
    if (decoded.malformed) result.malformed = true;
  }
  // RFC 5280: "Conforming CAs MUST NOT issue certificates where name constraints is an empty sequence."
  if (!result.permitted && !result.excluded) result.malformed = true;
  return result;
}

export function countNames(n: { dns: unknown[]; email: unknown[]; uri: unknown[]; ip: unknown[]; directoryNames: unknown[] }): number {
  return n.dns.length + n.email.length + n.uri.length + n.ip.length + n.directoryNames.length;
}
