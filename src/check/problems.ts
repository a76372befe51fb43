// The closed set of problems `rechain check` and `/probe` find in a chain a peer serves. Like the
// engine's reasons they are data: the CLI turns them into sentences, /probe counts them.
import type { Certificate } from '../pki/certificate.js';

export const Problems = {
  // The presented list itself, whatever the store
  wrongOrder: 'wrong_order',
  rootIncluded: 'root_included',
  nameMismatch: 'name_mismatch',
  // One store: why its clients cannot reach an anchor from what was presented
  incompleteChain: 'incomplete_chain',
  removedRoot: 'removed_root',
  distrustedRoot: 'distrusted_root',
  // One store: the path its clients use, judged by the trust policy
  distrustedCertificate: 'distrusted_certificate',
  expiresWithinHorizon: 'expires_within_horizon',
} as const;

export type ProblemCode = (typeof Problems)[keyof typeof Problems];

export const PROBLEM_CODES: readonly ProblemCode[] = Object.values(Problems);

export interface CheckProblem {
  readonly code: ProblemCode;
  /** The trust store the problem is about; absent for problems of the presented list. */
  readonly store?: string | undefined;
  /** Whether the problem fails the check: it is about the list, or about a required store. */
  readonly blocking: boolean;
  readonly certificate?: Certificate | undefined;
  /**
   * What the check was about: the 1-based position in the presented list (wrong_order,
   * root_included), the name (name_mismatch), the notAfter (expires_within_horizon), the
   * missing issuer's name (incomplete_chain, removed_root without the root at hand).
   */
  readonly value?: string | undefined;
  /** incomplete_chain: the --pool supplies what is missing. */
  readonly completedByPool?: boolean | undefined;
}
