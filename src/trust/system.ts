// `system`: the operating system's trust bundle. Node 20 has no API that lists it
// (tls.getCACertificates arrived in 22.15), so rechain reads what OpenSSL would: SSL_CERT_FILE
// and SSL_CERT_DIR (colon-separated) when either is set, and then only those, since an
// operator who sets them means them; otherwise the first distribution bundle that exists,
// else the c_rehash directory.
import { stat } from 'node:fs/promises';
import { loadCertificates, mergeLoaded, type LoadedCertificates } from '../pki/load-certificates.js';

export type Environment = Readonly<Record<string, string | undefined>>;

export interface SystemTrustPaths {
  /** Bundles in order of preference; the first that exists is read. */
  readonly bundles: readonly string[];
  /** Read when none of the bundles exists. */
  readonly directory: string;
}

export const DISTRIBUTION_TRUST_PATHS: SystemTrustPaths = {
  bundles: [
    '/etc/ssl/certs/ca-certificates.crt', // Debian, Ubuntu, Alpine, Arch, Gentoo
    '/etc/pki/tls/certs/ca-bundle.crt', // Fedora, RHEL, CentOS
    '/etc/ssl/ca-bundle.pem', // openSUSE
    '/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem', // RHEL 7+
    '/etc/ssl/cert.pem', // Alpine, macOS, the BSDs
  ],
  directory: '/etc/ssl/certs',
};

export async function loadSystemTrust(env: Environment, paths: SystemTrustPaths): Promise<LoadedCertificates> {
  const explicit = [env['SSL_CERT_FILE'], ...(env['SSL_CERT_DIR'] ?? '').split(':')].filter((p): p is string => Boolean(p));
  if (explicit.length > 0) return mergeLoaded(await Promise.all(explicit.map((path) => loadCertificates(path))));
  for (const bundle of paths.bundles) {
    if (await isA(bundle, 'file')) return loadCertificates(bundle);
  }
  if (await isA(paths.directory, 'directory')) return loadCertificates(paths.directory);
  const looked = [...paths.bundles, paths.directory].join(', ');
  return {
    certificates: [],
    warnings: [{ file: 'system', message: `no system trust bundle found (looked at ${looked}); set SSL_CERT_FILE or SSL_CERT_DIR` }],
  };
}

async function isA(path: string, kind: 'file' | 'directory'): Promise<boolean> {
  const info = await stat(path).catch(() => undefined);
  return kind === 'file' ? Boolean(info?.isFile()) : Boolean(info?.isDirectory());
}
