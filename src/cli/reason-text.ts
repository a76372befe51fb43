// Reason codes as sentences, for people. The only place that turns reasons into prose.
import type { FindingView } from '../chain/report-view.js';
import type { ReasonCode } from '../chain/reasons.js';
import type { RankRule } from '../chain/rank.js';

const SENTENCES: Record<ReasonCode, (cert: string, value: string) => string> = {
  issuer_not_found: (c, v) => `no issuer of ${c} is in the pool or the store${v ? ` (needs ${v})` : ''}`,
  untrusted_root: (c) => `${c} is a root this store does not trust`,
  signature_invalid: (c, v) => `${c} is not validly signed by ${v || 'its issuer'}`,
  depth_exceeded: (c, v) => `path through ${c} is longer than the limit of ${v} intermediates`,
  budget_exhausted: (_c, v) => `the path search ran out of budget (${v})`,
  malformed_certificate: (c, v) => `${c} is malformed${v ? `: ${v}` : ''}`,
  expired: (c, v) => `${c} expired at ${v}`,
  not_yet_valid: (c, v) => `${c} is not valid before ${v}`,
  expires_within_horizon: (c, v) => `${c} expires at ${v}, inside the horizon`,
  not_a_ca: (c) => `${c} is not a CA (basicConstraints)`,
  path_length_exceeded: (c, v) => `${c}'s pathLenConstraint is exceeded (${v})`,
  key_usage: (c) => `${c} may not sign certificates (keyUsage lacks keyCertSign)`,
  eku_incompatible: (c, v) => `${c}'s extendedKeyUsage does not allow ${v}`,
  leaf_is_ca: (c) => `the leaf ${c} is a CA certificate`,
  name_constraints: (c, v) => `${c}'s name constraints forbid ${v}`,
  name_mismatch: (c, v) => `${c} does not cover the name ${v}`,
  weak_signature_algorithm: (c, v) => `${c} is signed with ${v}, below the algorithm floor`,
  weak_key: (c, v) => `${c}'s key (${v}) is below the algorithm floor`,
  distrusted: (c, v) => `${c} is distrusted (${v})`,
  unknown_critical_extension: (c, v) => `${c} has a critical extension rechain does not understand (${v})`,
  profile_violation: (c, v) => `${c} breaks an encoding rule strict clients enforce: ${v}`,
  leaf_expires_within_horizon: (c, v) => `warning: the leaf ${c} expires at ${v}, inside the horizon (renew it)`,
};

export function sentence(f: FindingView): string {
  return SENTENCES[f.reason](f.certificate ?? 'a certificate', f.value ?? '');
}

export const RULE_TEXT: Record<RankRule, string> = {
  required_stores: 'it is valid for every required store',
  optional_stores: 'it covers more optional stores',
  prefer: 'its root comes earlier in the prefer list',
  expiry: 'its earliest expiry (anchor included) is later',
  length: 'it is shorter',
  fingerprint: 'of the stable tie-break on fingerprints',
};
