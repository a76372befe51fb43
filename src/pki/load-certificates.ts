// Certificates from a path that is a file or a directory (pool and trust inputs).
//
// A named file must hold a certificate. A directory is read one level deep, every regular file
// and every symlink to one, so OpenSSL c_rehash directories (`5ad8a5d6.0` -> `ISRG.pem`) and
// Kubernetes volumes (`ca.crt` -> `..data/ca.crt`, `..data` -> `..2024_01_01...`) both work:
// dot entries are skipped, each real file is read once, and each certificate is kept once.
// In a directory, a file that holds no certificate (a README, a key) is skipped with a
// warning; a malformed or unreadable one is an error, as it would be if named.
import type { Stats } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Certificate } from './certificate.js';
import type { CertificateFormat } from './load-format.js';
import { unreadable } from './load-file.js';
import { loadPassword } from './load-password.js';
import {
  noCertificateReason,
  readCertificateFile,
  requireCertificates,
  type CertificateFileOptions,
} from './load-certificate-file.js';

export interface LoadCertificatesOptions {
  /** Read every file as this format instead of detecting it. */
  readonly format?: CertificateFormat | undefined;
  /** The password of PKCS#12 files; without it the empty password is tried (.NET store exports). */
  readonly passwordFile?: string | undefined;
  /** Per file; DEFAULT_MAX_FILE_BYTES when omitted. */
  readonly maxBytes?: number | undefined;
}

export interface LoadWarning {
  readonly file: string;
  readonly message: string;
}

export interface LoadedCertificates {
  /** Distinct by fingerprint, first occurrence kept, each with `source` = its file. */
  readonly certificates: Certificate[];
  readonly warnings: LoadWarning[];
}

export async function loadCertificates(path: string, options: LoadCertificatesOptions = {}): Promise<LoadedCertificates> {
  const info = await stat(path).catch((e: unknown) => {
    throw unreadable(path, e);
  });
  const fileOptions: CertificateFileOptions = {
    format: options.format,
    password: options.passwordFile === undefined ? undefined : await loadPassword(options.passwordFile),
    maxBytes: options.maxBytes,
  };
  if (info.isDirectory()) return loadDirectory(path, fileOptions);
  const file = requireCertificates(path, await readCertificateFile(path, fileOptions));
  return { certificates: distinct(file.certificates), warnings: [] };
}

/** Several loads as one: certificates distinct by fingerprint, warnings in order. */
export function mergeLoaded(results: readonly LoadedCertificates[]): LoadedCertificates {
  return {
    certificates: distinct(results.flatMap((r) => r.certificates)),
    warnings: results.flatMap((r) => r.warnings),
  };
}

async function loadDirectory(dir: string, options: CertificateFileOptions): Promise<LoadedCertificates> {
  const names = await readdir(dir).catch((e: unknown) => {
    throw unreadable(dir, e);
  });
  const certificates: Certificate[] = [];
  const warnings: LoadWarning[] = [];
  const filesRead = new Set<string>();
  for (const name of names.filter((n) => !n.startsWith('.')).sort(readingOrder)) {
    const path = join(dir, name);
    const entry = await statEntry(path);
    if (entry === 'broken link') {
      warnings.push({ file: path, message: 'is a broken symbolic link; skipped' });
      continue;
    }
    // Not recursive: subdirectories (such as /etc/ssl/certs/java) are other stores.
    if (entry.isDirectory()) continue;
    if (!entry.isFile()) {
      warnings.push({ file: path, message: 'is not a regular file; skipped' });
      continue;
    }
    const real = await realpath(path).catch((e: unknown) => {
      throw unreadable(path, e);
    });
    if (filesRead.has(real)) continue;
    filesRead.add(real);
    const file = await readCertificateFile(path, options);
    if (file.certificates.length === 0) warnings.push({ file: path, message: `${noCertificateReason(file)}; skipped` });
    certificates.push(...file.certificates);
  }
  if (certificates.length === 0) warnings.push({ file: dir, message: 'directory holds no certificate' });
  return { certificates: distinct(certificates), warnings };
}

const BROKEN_LINK = new Set(['ENOENT', 'ELOOP']);

async function statEntry(path: string): Promise<Stats | 'broken link'> {
  try {
    return await stat(path);
  } catch (e) {
    // The entry was just listed, so ENOENT means a link to nothing (ELOOP: links in a circle).
    if (BROKEN_LINK.has((e as NodeJS.ErrnoException).code ?? '')) return 'broken link';
    throw unreadable(path, e);
  }
}

// c_rehash links (`5ad8a5d6.0`, `.r0` for CRLs) last, so a certificate's source is the file
// with the telling name it links to.
const HASH_LINK = /^[0-9a-f]{8}\.r?\d+$/;

function readingOrder(a: string, b: string): number {
  return Number(HASH_LINK.test(a)) - Number(HASH_LINK.test(b)) || (a < b ? -1 : a > b ? 1 : 0);
}

// Same DER, same fingerprint. Duplicates are found without hashing every certificate of a large
// pool (SHA-256 of 5,000 certificates costs 5-10 ms at start-up; fingerprints stay lazy for the
// few certificates a path search touches): the DER's last 32 bytes, which lie in the signature,
// pick a bucket, and bytes decide within it. A pool of certificates that all share one subject
// stays linear, as the bucket is not the subject.
function distinct(certificates: readonly Certificate[]): Certificate[] {
  const byTail = new Map<string, Certificate[]>();
  const out: Certificate[] = [];
  for (const c of certificates) {
    const tail = c.der.toString('latin1', Math.max(0, c.der.length - 32));
    const bucket = byTail.get(tail);
    if (bucket?.some((d) => d.der.equals(c.der))) continue;
    if (bucket) bucket.push(c);
    else byTail.set(tail, [c]);
    out.push(c);
  }
  return out;
}
