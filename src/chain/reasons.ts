// The closed set of reasons a path, or a branch of the search, can fail. Reasons are data:
// only the CLI and docs turn them into sentences (src/cli/render-reasons.ts).
import type { Certificate } from '../pki/certificate.js';

export const Reasons = {
  // The search
  issuerNotFound: 'issuer_not_found',
  untrustedRoot: 'untrusted_root',
  signatureInvalid: 'signature_invalid',
  depthExceeded: 'depth_exceeded',
  budgetExhausted: 'budget_exhausted',
  // Each certificate
  malformedCertificate: 'malformed_certificate',
  expired: 'expired',
  notYetValid: 'not_yet_valid',
  expiresWithinHorizon: 'expires_within_horizon',
  notACa: 'not_a_ca',
  pathLengthExceeded: 'path_length_exceeded',
  keyUsage: 'key_usage',
  ekuIncompatible: 'eku_incompatible',
  leafIsCa: 'leaf_is_ca',
  nameConstraints: 'name_constraints',
  nameMismatch: 'name_mismatch',
  weakSignatureAlgorithm: 'weak_signature_algorithm',
  weakKey: 'weak_key',
  distrusted: 'distrusted',
  unknownCriticalExtension: 'unknown_critical_extension',
  profileViolation: 'profile_violation',
  // Warnings: reported, never invalidate a path
  leafExpiresWithinHorizon: 'leaf_expires_within_horizon',
} as const;

export type ReasonCode = (typeof Reasons)[keyof typeof Reasons];

const WARNINGS = new Set<ReasonCode>([Reasons.leafExpiresWithinHorizon]);

export function isWarning(reason: ReasonCode): boolean {
  return WARNINGS.has(reason);
}

/**
 * Specificity order, most useful first (as rustls-webpki ranks its errors): when a path fails
 * for several reasons, the first of these is the one a summary reports.
 */
export const REASON_PRIORITY: readonly ReasonCode[] = [
  Reasons.distrusted,
  Reasons.expired,
  Reasons.notYetValid,
  Reasons.expiresWithinHorizon,
  Reasons.nameMismatch,
  Reasons.nameConstraints,
  Reasons.ekuIncompatible,
  Reasons.notACa,
  Reasons.leafIsCa,
  Reasons.pathLengthExceeded,
  Reasons.keyUsage,
  Reasons.weakSignatureAlgorithm,
  Reasons.weakKey,
  Reasons.unknownCriticalExtension,
  Reasons.malformedCertificate,
  Reasons.profileViolation,
  Reasons.signatureInvalid,
  Reasons.untrustedRoot,
  Reasons.issuerNotFound,
  Reasons.depthExceeded,
  Reasons.budgetExhausted,
  Reasons.leafExpiresWithinHorizon,
];

/** One failed (or warned) check, with the certificate it is about and a value for display. */
export interface Finding {
  readonly reason: ReasonCode;
  readonly certificate?: Certificate | undefined;
  /** The name, time, algorithm, extension OID... the check was about. */
  readonly value?: string | undefined;
}

export function finding(reason: ReasonCode, certificate?: Certificate, value?: string): Finding {
  return { reason, certificate, value };
}

export function errorsOf(findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => !isWarning(f.reason));
}

export function mostSpecific(findings: readonly Finding[]): Finding | undefined {
  let best: Finding | undefined;
  let bestRank = Infinity;
  for (const f of findings) {
    const rank = REASON_PRIORITY.indexOf(f.reason);
    if (rank < bestRank) {
      best = f;
      bestRank = rank;
    }
  }
  return best;
}
