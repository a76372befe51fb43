// Everything a chain computation reads from disk, loaded in one go from the Config: trust
// stores, each certificate's leaf, bundle, key and pool, and each listener's client CAs.
// Either all of it loads or the call throws (naming the file): callers never see half a state.
import type { KeyObject } from 'node:crypto';
import type { Certificate } from '../pki/certificate.js';
import type { TrustStore } from '../chain/policy.js';
import type { CertificateConfig, Config, TrustSource } from '../config/types.js';
import { loadCertificates, mergeLoaded, type LoadWarning } from '../pki/load-certificates.js';
import { loadCertificateChain, loadIdentity } from '../pki/load-identity.js';
import { loadTrustStore, type Environment } from '../trust/index.js';
import { fetchMissingIssuers, type AiaFetcher } from '../trust/aia.js';
import { ErrorCodes, RechainError } from '../errors.js';

export interface CertificateInputs {
  readonly config: CertificateConfig;
  readonly leaf: Certificate;
  /** The intermediates configured with the leaf, in file order. */
  readonly bundle: readonly Certificate[];
  /** Absent only when keys are optional (explain without --key). */
  readonly key: KeyObject | undefined;
  readonly pool: readonly Certificate[];
}

export interface Inputs {
  readonly stores: readonly TrustStore[];
  readonly certificates: readonly CertificateInputs[];
  /** Client CA anchors per listener name (listeners with client authentication). */
  readonly clientCas: ReadonlyMap<string, readonly Certificate[]>;
  readonly warnings: readonly LoadWarning[];
  /** Every file and directory read, for the watcher. */
  readonly paths: readonly string[];
}

export interface LoadOptions {
  readonly env: Environment;
  /** Serving needs keys; `explain` does not. */
  readonly keys: 'required' | 'optional';
  /** Listeners' client CAs; `explain` judges served chains only and skips them. */
  readonly clientCas?: boolean;
  /** With `trust.aia`: fetches missing issuers (kept by the caller, so its cache outlives reloads). */
  readonly aia?: AiaFetcher | undefined;
}

function sourceText(source: TrustSource): string {
  return source.kind === 'path' ? source.path : source.kind;
}

async function loadCertificateInputs(config: CertificateConfig, options: LoadOptions): Promise<{ inputs: CertificateInputs; warnings: LoadWarning[]; paths: string[] }> {
  const files = { cert: config.cert, key: config.key, passwordFile: config.passwordFile };
  const identity =
    config.key !== undefined || options.keys === 'required' ? await loadIdentity(files) : { ...(await loadCertificateChain(files)), key: undefined };
  const pools = await Promise.all(config.pool.map((path) => loadCertificates(path)));
  const pool = mergeLoaded(pools);
  return {
    inputs: { config, leaf: identity.leaf, bundle: identity.bundle, key: identity.key, pool: pool.certificates },
    warnings: pool.warnings,
    paths: [...identity.files, ...config.pool],
  };
}

/** Client CA anchors: a file or directory that holds no CA certificate is a mistake, not an empty trust. */
async function loadClientCa(path: string, field: string) {
  const loaded = await loadCertificates(path);
  if (!loaded.certificates.some((c) => c.facts?.basicConstraints?.ca)) {
    throw new RechainError(ErrorCodes.CONFIG, `${path} holds no CA certificate (${loaded.certificates.length} certificates, none with basicConstraints cA)`, { field, file: path });
  }
  return loaded;
}

export async function loadInputs(config: Config, options: LoadOptions): Promise<Inputs> {
  const stores = await Promise.all(
    config.trust.stores.map((s) => loadTrustStore({ name: s.name, required: s.required, sources: s.sources.map(sourceText) }, options.env)),
  );
  const certificates = await Promise.all(config.certificates.map((c) => loadCertificateInputs(c, options)));
  const clientCas = new Map<string, readonly Certificate[]>();
  const clientCaWarnings: LoadWarning[] = [];
  for (const [i, listener] of config.listeners.entries()) {
    if (listener.clientAuth.mode === 'none' || options.clientCas === false) continue;
    const loaded = await Promise.all(listener.clientAuth.ca.map((path, j) => loadClientCa(path, `listeners[${i}].clientAuth.ca[${j}]`)));
    const merged = mergeLoaded(loaded);
    clientCas.set(listener.name, merged.certificates);
    clientCaWarnings.push(...merged.warnings);
  }
  if (config.trust.aia && options.aia) {
    const anchors = stores.flatMap((s) => [...s.store.anchors]);
    for (const c of certificates) {
      const found = await fetchMissingIssuers(c.inputs.leaf, [...c.inputs.bundle, ...c.inputs.pool, ...anchors], options.aia, config.trust.maxDepth);
      c.inputs = { ...c.inputs, pool: [...c.inputs.pool, ...found.certificates] };
      c.warnings.push(...found.warnings);
    }
  }
  const trustPaths = config.trust.stores.flatMap((s) => s.sources.flatMap((src) => (src.kind === 'path' ? [src.path] : [])));
  return {
    stores: stores.map((s) => s.store),
    certificates: certificates.map((c) => c.inputs),
    clientCas,
    warnings: [...stores.flatMap((s) => s.warnings), ...certificates.flatMap((c) => c.warnings), ...clientCaWarnings],
    paths: [...new Set([...trustPaths, ...certificates.flatMap((c) => c.paths), ...config.listeners.flatMap((l) => l.clientAuth.ca)])],
  };
}
