// mtls/ owns peer decisions: verifying a peer's chain with the engine, allow-lists, and the
// identity passed to backends. It must not import net/ listeners, proxy/ or config loading.
//
// Deciding on a peer's certificate chain with the same engine that chooses ours, so that
// cross-signed and stale peer chains are handled the same way, then the allow-list.
import { createHash } from 'node:crypto';
import { computeChain } from '../chain/engine.js';
import type { PeerName, Purpose, TrustPolicy } from '../chain/policy.js';
import { errorsOf, mostSpecific } from '../chain/reasons.js';
import type { AllowList } from '../config/types.js';
import type { Certificate } from '../pki/certificate.js';
import type { SignatureVerifier } from '../pki/signatures.js';
import { allowedBy } from './allow-list.js';
import type { PeerIdentity } from './peer-identity.js';

export interface PeerPolicy {
  /** What a decision depends on, as a digest: equal keys, equal decisions (see peerPolicyKey). */
  readonly key: string;
  /** The stores the peer may validate for; any one suffices (they are optional stores). */
  readonly policy: TrustPolicy;
  readonly purpose: Purpose;
  /** Names the peer's leaf must cover (the target of `connect`); none for client certificates. */
  readonly names: readonly PeerName[];
  readonly allow: AllowList;
}

/** A digest of everything a peer decision depends on: anchors, distrust, purpose, names, allow-list. */
export function peerPolicyKey(peer: Omit<PeerPolicy, 'key'>): string {
  const anchors = peer.policy.stores.flatMap((s) => [...s.anchors].map((a) => a.fingerprint)).sort();
  const parts = { anchors, distrust: [...peer.policy.distrust].sort(), purpose: peer.purpose, names: peer.names, allow: peer.allow, maxDepth: peer.policy.maxDepth };
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

export type PeerDecision =
  | { readonly ok: true; readonly identity: PeerIdentity }
  | { readonly ok: false; readonly reason: 'missing' | 'untrusted' | 'not_allowed'; readonly detail: string };

export function verifyPeer(
  presented: readonly Certificate[],
  peer: PeerPolicy,
  at: number,
  verifier: SignatureVerifier,
  monotonicNow: () => number,
): PeerDecision {
  const [leaf, ...rest] = presented;
  if (!leaf) return { ok: false, reason: 'missing', detail: 'no certificate presented' };
  const report = computeChain({ leaf, bundle: rest, pool: [], policy: peer.policy, purpose: peer.purpose, names: peer.names, at, verifier, monotonicNow });
  if (!report.valid || !report.chosen) {
    const why = mostSpecific(report.servedVerdicts.flatMap((v) => errorsOf(v.findings)));
    const detail = why ? `${why.reason}${why.certificate ? ` (${why.certificate.label})` : ''}${why.value ? `: ${why.value}` : ''}` : 'no valid path';
    return { ok: false, reason: 'untrusted', detail };
  }
  const admitted = allowedBy(leaf, peer.allow);
  if (!admitted) return { ok: false, reason: 'not_allowed', detail: `${leaf.label} matches no allow-list entry` };
  return { ok: true, identity: { chain: report.chosen.certificates, allowedBy: admitted } };
}
