// A trust store (an audience) from its sources: the union of their certificates as anchors.
// A required store with no anchors is an error, since no served chain could satisfy it.
import { AnchorSet } from '../chain/anchors.js';
import type { TrustStore } from '../chain/policy.js';
import { ErrorCodes, RechainError } from '../errors.js';
import { mergeLoaded, type LoadWarning } from '../pki/load-certificates.js';
import { loadTrustSource, type TrustSource } from './source.js';
import { DISTRIBUTION_TRUST_PATHS, type Environment, type SystemTrustPaths } from './system.js';

export interface TrustStoreSpec {
  readonly name: string;
  readonly required: boolean;
  readonly sources: readonly TrustSource[];
}

export interface LoadedTrustStore {
  readonly store: TrustStore;
  readonly warnings: LoadWarning[];
}

export async function loadTrustStore(
  spec: TrustStoreSpec,
  env: Environment,
  systemPaths: SystemTrustPaths = DISTRIBUTION_TRUST_PATHS,
): Promise<LoadedTrustStore> {
  const loaded = mergeLoaded(await Promise.all(spec.sources.map((s) => loadTrustSource(s, env, systemPaths))));
  const warnings = [...loaded.warnings];
  if (loaded.certificates.length === 0) {
    const text = `trust store "${spec.name}" has no anchors (sources: ${spec.sources.join(', ') || 'none'})`;
    if (spec.required) throw new RechainError(ErrorCodes.EMPTY_TRUST_STORE, `${text}; it is required, so no chain could be served`);
    warnings.push({ file: spec.sources.join(', '), message: `${text}; no chain will validate for it` });
  }
  const store: TrustStore = { name: spec.name, required: spec.required, anchors: new AnchorSet(loaded.certificates) };
  return { store: Object.freeze(store), warnings };
}
