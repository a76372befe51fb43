// HOST:PORT addresses: `127.0.0.1:6379`, `db.internal:5432`, `[::1]:443`, `[fe80::1%eth0]:80`.
// IPv6 literals need brackets, as in URLs, so the port is never ambiguous.
import ipaddr from 'ipaddr.js';
import type { Address } from './types.js';

export interface AddressRules {
  /** Port 0 asks the OS for a free port: fine for a listener, meaningless for a backend. */
  readonly allowPortZero: boolean;
}

export type AddressResult = { readonly address: Address } | { readonly problem: string };

const HOST_LABEL = /^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$/;

export function parseAddress(text: string, rules: AddressRules): AddressResult {
  const example = 'write HOST:PORT such as 127.0.0.1:6379, db.internal:5432 or [::1]:443';
  const colon = text.lastIndexOf(':');
  if (colon < 0) return { problem: `"${text}" has no port: ${example}` };
  const hostText = text.slice(0, colon);
  const portText = text.slice(colon + 1);
  if (hostText.includes(':') && !hostText.startsWith('[')) {
    return { problem: `"${text}": an IPv6 address needs brackets, as in [::1]:443` };
  }
  const host = parseHost(hostText);
  if (typeof host !== 'string') return { problem: `"${text}": ${host.problem}` };
  const port = parsePort(portText, rules);
  if (typeof port !== 'number') return { problem: `"${text}": ${port.problem}` };
  return { address: { host, port } };
}

export function addressProblem(text: string, rules: AddressRules): string | undefined {
  const result = parseAddress(text, rules);
  return 'problem' in result ? result.problem : undefined;
}

/** The address of text already validated by `addressProblem`. */
export function addressOf(text: string, rules: AddressRules): Address {
  const result = parseAddress(text, rules);
  if ('problem' in result) throw new Error(`unchecked address ${JSON.stringify(text)}: ${result.problem}`);
  return result.address;
}

/** Whether two listening addresses would collide: same port, and one covers the other's host. */
export function addressesCollide(a: Address, b: Address): boolean {
  if (a.port !== b.port || a.port === 0) return false;
  if (a.host === b.host || a.host === '::' || b.host === '::') return true; // `::` is dual-stack
  const anyV4 = (x: Address, y: Address) => x.host === '0.0.0.0' && ipaddr.IPv4.isValidFourPartDecimal(y.host);
  return anyV4(a, b) || anyV4(b, a);
}

function parseHost(text: string): string | { problem: string } {
  if (text === '') return { problem: 'the host is missing; use 0.0.0.0 or [::] for every interface' };
  if (text.startsWith('[')) {
    const inner = text.endsWith(']') ? text.slice(1, -1) : '';
    if (!ipaddr.IPv6.isValid(inner)) return { problem: `${text} is not an IPv6 address` };
    return ipaddr.IPv6.parse(inner).toString(); // one spelling, so duplicates are found
  }
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) return ipaddr.IPv4.parse(text).toString();
  const name = text.toLowerCase();
  const labels = name.split('.');
  // A numeric last label is a mistyped IPv4 address (`10.0.0.300`), never a host name.
  if (name.length > 253 || !labels.every((l) => HOST_LABEL.test(l)) || /^\d+$/.test(labels.at(-1)!)) {
    return { problem: `${text} is neither a host name nor an IP address` };
  }
  return name;
}

function parsePort(text: string, rules: AddressRules): number | { problem: string } {
  const lowest = rules.allowPortZero ? 0 : 1;
  const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(port >= lowest && port <= 65535)) return { problem: `the port must be a number from ${lowest} to 65535` };
  return port;
}

/** `HOST:PORT`, with brackets around an IPv6 host. */
export function formatAddress(address: Address): string {
  return address.host.includes(':') ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}
