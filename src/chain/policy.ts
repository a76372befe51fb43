// The trust policy the engine judges paths against (DESIGN §2). Plain, immutable data:
// the trust/ and config/ layers build it; the engine only reads it.
import type { AnchorSet } from './anchors.js';

export interface TrustStore {
  /** The client population, e.g. `public`, `legacy-android`, `cluster`. */
  readonly name: string;
  /** A required store must accept the served chain; optional stores are maximised. */
  readonly required: boolean;
  readonly anchors: AnchorSet;
}

export type PreferRoot =
  | { readonly kind: 'name'; readonly commonName: string }
  | { readonly kind: 'spki'; readonly sha256: string };

export interface TrustPolicy {
  readonly stores: readonly TrustStore[];
  /** Lowercase hex SHA-256 of a certificate's DER or of its SubjectPublicKeyInfo. */
  readonly distrust: ReadonlySet<string>;
  /** Every issuing certificate must stay valid until now + horizon (milliseconds). */
  readonly horizonMs: number;
  readonly prefer: readonly PreferRoot[];
  /** Most intermediates between leaf and anchor. */
  readonly maxDepth: number;
}

export const DEFAULT_MAX_DEPTH = 8;

export type Purpose = 'serverAuth' | 'clientAuth';

export interface PeerName {
  readonly kind: 'dns' | 'ip';
  readonly value: string;
}
