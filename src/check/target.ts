// A peer to check: HOST:PORT, the SNI name, and the name its leaf must cover. Pure; shared by
// the CLI (problems become usage errors) and /probe (problems become 400 responses).
import { ipBytes, peerName } from '../chain/hostname.js';
import type { PeerName } from '../chain/policy.js';
import { parseAddress } from '../config/addresses.js';
import { hostNameProblem } from '../config/names.js';
import type { Address } from '../config/types.js';

export interface CheckTarget {
  readonly address: Address;
  /** SNI: the given name, else the host when it is a name (an IP address sends none). */
  readonly servername: string | undefined;
  /** What the leaf must cover: the SNI name, or the IP address connected to. */
  readonly names: readonly PeerName[];
}

export type TargetResult = { readonly target: CheckTarget } | { readonly problem: string; readonly field: 'target' | 'servername' };

export function parseTarget(text: string, servername: string | undefined): TargetResult {
  const parsed = parseAddress(text, { allowPortZero: false });
  if ('problem' in parsed) return { problem: parsed.problem, field: 'target' };
  const nameProblem = servername === undefined ? undefined : hostNameProblem(servername);
  if (nameProblem) return { problem: nameProblem, field: 'servername' };
  const { address } = parsed;
  const sni = servername?.toLowerCase() ?? (ipBytes(address.host) ? undefined : address.host);
  return { target: { address, servername: sni, names: [peerName(sni ?? address.host)] } };
}
