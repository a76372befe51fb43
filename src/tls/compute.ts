// Loaded inputs + a time -> one chain report per configured certificate. Pure: the time, the
// signature port and the monotonic clock for the search budget come from the caller.
import { computeChain, type ChainReport } from '../chain/engine.js';
import { peerName } from '../chain/hostname.js';
import type { Purpose, TrustPolicy } from '../chain/policy.js';
import type { TrustConfig } from '../config/types.js';
import type { SignatureVerifier } from '../pki/signatures.js';
import type { Inputs } from './inputs.js';

export function trustPolicy(inputs: Inputs, trust: TrustConfig): TrustPolicy {
  return {
    stores: inputs.stores,
    distrust: new Set(trust.distrust),
    horizonMs: trust.horizonMs,
    prefer: trust.prefer,
    maxDepth: trust.maxDepth,
  };
}

/**
 * One report per certificate: for serving (serverAuth) by default, or for the certificates a
 * connector presents as a client (clientAuth, `only` naming them).
 */
export function computeReports(
  inputs: Inputs,
  trust: TrustConfig,
  at: number,
  verifier: SignatureVerifier,
  monotonicNow: () => number,
  purpose: Purpose = 'serverAuth',
  only?: ReadonlySet<string>,
): Map<string, ChainReport> {
  const policy = trustPolicy(inputs, trust);
  const reports = new Map<string, ChainReport>();
  for (const cert of inputs.certificates) {
    if (only && !only.has(cert.config.name)) continue;
    reports.set(
      cert.config.name,
      computeChain({
        leaf: cert.leaf,
        bundle: cert.bundle,
        pool: cert.pool,
        policy,
        purpose,
        names: cert.config.names.map(peerName),
        at,
        verifier,
        monotonicNow,
      }),
    );
  }
  return reports;
}
