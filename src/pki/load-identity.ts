// A serving identity: the leaf, the intermediates configured with it, and its private key,
// from a PEM bundle plus a key file or from one PKCS#12 file. The key must belong to the leaf.
import type { KeyObject } from 'node:crypto';
import { ErrorCodes, RechainError } from '../errors.js';
import type { Certificate } from './certificate.js';
import { readCertificateFile, requireCertificates, type CertificateFile } from './load-certificate-file.js';
import { fileError } from './load-file.js';
import { loadPassword } from './load-password.js';
import { loadPrivateKey } from './load-private-key.js';

export interface IdentityFiles {
  /** PEM bundle (leaf first, then the intermediates in order), or PKCS#12. */
  readonly cert: string;
  /** PEM private key; omitted when `cert` is PKCS#12 and holds the key. */
  readonly key?: string | undefined;
  /** Password of the PKCS#12 file or of an encrypted key. */
  readonly passwordFile?: string | undefined;
}

export interface CertificateChain {
  readonly leaf: Certificate;
  /** The other certificates of the cert file, in file order: the configured bundle. */
  readonly bundle: Certificate[];
  /** Every file read, to watch for reloads. */
  readonly files: string[];
}

export interface Identity extends CertificateChain {
  readonly key: KeyObject;
}

type LeafAndBundle = Pick<CertificateChain, 'leaf' | 'bundle'>;

export async function loadIdentity(files: IdentityFiles): Promise<Identity> {
  const { certFile, password } = await readCertFile(files);
  const watched = [files.cert, files.key, files.passwordFile].filter((f): f is string => f !== undefined);
  if (files.key !== undefined) {
    const key = await loadPrivateKey(files.key, password);
    return { ...leafOfKeyFile(certFile, key, files.cert, files.key), key, files: watched };
  }
  if (certFile.choice?.format !== 'pkcs12') {
    throw fileError(ErrorCodes.BAD_KEY, files.cert, 'is not PKCS#12, so a private key file is needed');
  }
  return { ...leafOfOwnKey(certFile, files.cert), files: watched };
}

/**
 * The leaf and bundle without a key (`explain` checks chains, it does not serve them). The
 * key file is not read; a PKCS#12's own key still tells which certificate is the leaf.
 */
export async function loadCertificateChain(files: Omit<IdentityFiles, 'key'>): Promise<CertificateChain> {
  const { certFile } = await readCertFile(files);
  const watched = [files.cert, files.passwordFile].filter((f): f is string => f !== undefined);
  if (certFile.keys.length > 0) {
    const { leaf, bundle } = leafOfOwnKey(certFile, files.cert);
    return { leaf, bundle, files: watched };
  }
  // requireCertificates made sure there is at least one.
  const [leaf, ...bundle] = certFile.certificates as [Certificate, ...Certificate[]];
  return { leaf, bundle, files: watched };
}

async function readCertFile(files: Omit<IdentityFiles, 'key'>): Promise<{ certFile: CertificateFile; password: string | undefined }> {
  const password = files.passwordFile === undefined ? undefined : await loadPassword(files.passwordFile);
  const certFile = requireCertificates(files.cert, await readCertificateFile(files.cert, { password }));
  return { certFile, password };
}

/** With a key file: the leaf is the first certificate of a PEM bundle, or the one the key belongs to in a PKCS#12. */
function leafOfKeyFile(certFile: CertificateFile, key: KeyObject, certPath: string, keyPath: string): LeafAndBundle {
  // A PEM bundle is ordered leaf first by contract; a PKCS#12 file has no order to rely on.
  const pkcs12 = certFile.choice?.format === 'pkcs12';
  const candidates = pkcs12 ? certFile.certificates : certFile.certificates.slice(0, 1);
  const leaf = candidates.find((c) => c.node.checkPrivateKey(key));
  if (!leaf) {
    const which = pkcs12 ? 'any certificate' : `the leaf ${candidates[0]?.label} (the first certificate)`;
    throw new RechainError(ErrorCodes.KEY_MISMATCH, `the private key in ${keyPath} does not belong to ${which} in ${certPath}`, {
      file: certPath,
    });
  }
  return { leaf, bundle: certFile.certificates.filter((c) => c !== leaf) };
}

/** PKCS#12 with its own key: the leaf is the certificate one of its keys belongs to. */
function leafOfOwnKey(certFile: CertificateFile, certPath: string): LeafAndBundle & { key: KeyObject } {
  if (certFile.keys.length === 0) throw fileError(ErrorCodes.BAD_KEY, certPath, 'holds no private key');
  for (const key of certFile.keys) {
    const leaf = certFile.certificates.find((c) => c.node.checkPrivateKey(key));
    if (leaf) return { leaf, key, bundle: certFile.certificates.filter((c) => c !== leaf) };
  }
  throw fileError(ErrorCodes.KEY_MISMATCH, certPath, 'holds no certificate that its private key belongs to');
}
