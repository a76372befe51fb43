// The PKI of September 2021, replayed with fresh keys: DST Root CA X3 about to expire and
// already removed from clients' trust stores, ISRG Root X1, an R3 signed by each (same subject
// and key), ISRG Root X1 cross-signed by DST, and a leaf for the database node.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { generateKey, issue, type Issued } from '../pki/generate.js';

const DAY = 86_400_000;

export interface IncidentPki {
  readonly oldRoot: Issued;
  readonly newRoot: Issued;
  readonly newRootCrossSigned: Issued;
  readonly r3ByOldRoot: Issued;
  readonly r3ByNewRoot: Issued;
  readonly leaf: Issued;
}

export interface IncidentOptions {
  readonly now: number;
  /** Days until the old root expires (default 3). */
  readonly oldRootDays?: number;
  readonly names?: readonly string[];
}

export async function createIncidentPki(options: IncidentOptions): Promise<IncidentPki> {
  const { now } = options;
  const at = (days: number): Date => new Date(now + days * DAY);
  const oldRootDays = options.oldRootDays ?? 3;
  const oldRoot = await issue({ subject: 'CN=DST Root CA X3, O=Digital Signature Trust Co.', ca: true, notBefore: at(-7000), notAfter: at(oldRootDays) });
  const newRootKey = await generateKey();
  const newRootSubject = 'CN=ISRG Root X1, O=Internet Security Research Group, C=US';
  const newRoot = await issue({ subject: newRootSubject, key: newRootKey, ca: true, notBefore: at(-2000), notAfter: at(5000) });
  const newRootCrossSigned = await issue({ subject: newRootSubject, key: newRootKey, issuer: oldRoot, ca: true, notBefore: at(-1000), notAfter: at(1100) });
  const r3Key = await generateKey();
  const r3Subject = "CN=R3, O=Let's Encrypt, C=US";
  const r3ByOldRoot = await issue({ subject: r3Subject, key: r3Key, issuer: oldRoot, ca: true, pathLen: 0, notBefore: at(-380), notAfter: at(oldRootDays) });
  const r3ByNewRoot = await issue({ subject: r3Subject, key: r3Key, issuer: newRoot, ca: true, pathLen: 0, notBefore: at(-380), notAfter: at(1500) });
  const names = options.names ?? ['localhost', 'db-a.cluster.test', '127.0.0.1'];
  const leaf = await issue({ subject: 'db-a.cluster.test', issuer: r3ByNewRoot, names, notBefore: at(-10), notAfter: at(80) });
  return { oldRoot, newRoot, newRootCrossSigned, r3ByOldRoot, r3ByNewRoot, leaf };
}

export interface IncidentFiles {
  readonly dir: string;
  /** leaf + R3 issued by DST: what the node's stale cache serves. */
  readonly staleBundle: string;
  readonly key: string;
  /** The node's local certificate cache: R3 by DST only. */
  readonly staleCacheDir: string;
  /** Candidate intermediates: both R3s and the cross-signed ISRG Root X1. */
  readonly pool: string;
  /** After the ca-certificates update: ISRG Root X1 only. */
  readonly trustNew: string;
  /** Before it: DST Root CA X3 only. */
  readonly trustOld: string;
}

export async function writeIncidentFiles(pki: IncidentPki, dir: string): Promise<IncidentFiles> {
  const staleCacheDir = path.join(dir, 'stale-cache');
  await mkdir(staleCacheDir, { recursive: true });
  const files: IncidentFiles = {
    dir,
    staleBundle: path.join(dir, 'db-a.bundle.pem'),
    key: path.join(dir, 'db-a.key'),
    staleCacheDir,
    pool: path.join(dir, 'pool.pem'),
    trustNew: path.join(dir, 'trust-isrg-root-x1.pem'),
    trustOld: path.join(dir, 'trust-dst-root-ca-x3.pem'),
  };
  await writeFile(files.staleBundle, pki.leaf.pem + pki.r3ByOldRoot.pem);
  await writeFile(files.key, pki.leaf.keyPem, { mode: 0o600 });
  await writeFile(path.join(staleCacheDir, 'r3.pem'), pki.r3ByOldRoot.pem);
  await writeFile(files.pool, pki.r3ByOldRoot.pem + pki.r3ByNewRoot.pem + pki.newRootCrossSigned.pem);
  await writeFile(files.trustNew, pki.newRoot.pem);
  await writeFile(files.trustOld, pki.oldRoot.pem);
  return files;
}
