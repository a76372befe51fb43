// One trust source, as configured: `system`, `bundled`, or a path (file or directory). A file
// named like a keyword is written `./system`.
import { loadCertificates, type LoadedCertificates } from '../pki/load-certificates.js';
import { BUNDLED_SOURCE, loadBundledTrust } from './bundled.js';
import { DISTRIBUTION_TRUST_PATHS, loadSystemTrust, type Environment, type SystemTrustPaths } from './system.js';

export type TrustSource = 'system' | 'bundled' | (string & {});

/** `env` is the process environment in production, passed in so that tests can set it. */
export async function loadTrustSource(
  source: TrustSource,
  env: Environment,
  systemPaths: SystemTrustPaths = DISTRIBUTION_TRUST_PATHS,
): Promise<LoadedCertificates> {
  if (source === BUNDLED_SOURCE) return loadBundledTrust();
  if (source === 'system') return loadSystemTrust(env, systemPaths);
  return loadCertificates(source);
}
