// The chain benchmark's inputs, generated once and cached under os.tmpdir(), keyed by
// FIXTURE_VERSION (bump it when the shape changes; old directories are left for the OS to clean):
//
// - `pool`: a depth-4 chain, root -> int1 -> int2 -> int3 -> int4 -> leaf, and a pool of 5,000
//   CA certificates: the four intermediates, scattered, among 4,996 unrelated ones (20 unrelated
//   roots and the CAs they issued; half RSA-2048, half P-256, like a CCADB intermediate dump).
// - `mesh`: 3 roots and 4 layers of 3 CAs, each CA cross-signed by every CA of the layer above
//   (one certificate per issuer, same subject and key), so the leaf has 3^4 = 81 paths.
//
// Files per fixture: leaf.pem (the leaf alone), pool.pem (candidates), root.pem (trust anchors).
// Generation takes about half a minute on a 2-core machine; re-runs read the files.
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKey, issue, type Issued, type KeyAlgorithm, type KeyPair } from '../src/pki/generate.js';

export const FIXTURE_VERSION = 'chain-v1';
export const POOL_SIZE = 5_000;
export const SERVERNAME = 'bench.example';

const DAY = 24 * 60 * 60 * 1000;
const UNRELATED_ROOTS = 20;
/** RSA key generation is slow; unrelated RSA CAs share a few keys (their keys never matter). */
const SHARED_RSA_KEYS = 16;
const MESH_ROOTS = 3;
const MESH_LAYERS = 4;
const MESH_WIDTH = 3;
const BATCH = 32;

export interface ChainFixture {
  readonly name: 'pool' | 'mesh';
  readonly dir: string;
  readonly leaf: string;
  readonly pool: string;
  readonly root: string;
  readonly servername: string;
  /** Certificates in pool.pem. */
  readonly poolSize: number;
  /** Distinct paths from the leaf to an anchor. */
  readonly paths: number;
  /** Certificates served on the best path (leaf + intermediates). */
  readonly servedLength: number;
}

export interface ChainFixtures {
  readonly dir: string;
  readonly generated: boolean;
  readonly pool: ChainFixture;
  readonly mesh: ChainFixture;
}

function fixture(dir: string, name: 'pool' | 'mesh'): ChainFixture {
  const sub = join(dir, name);
  const shape =
    name === 'pool'
      ? { poolSize: POOL_SIZE, paths: 1, servedLength: 5 }
      : { poolSize: MESH_LAYERS * MESH_WIDTH * MESH_WIDTH, paths: MESH_WIDTH ** MESH_LAYERS, servedLength: MESH_LAYERS + 1 };
  return { name, dir: sub, leaf: join(sub, 'leaf.pem'), pool: join(sub, 'pool.pem'), root: join(sub, 'root.pem'), servername: SERVERNAME, ...shape };
}

/** The cached fixtures, generated first when missing. */
export async function chainFixtures(log: (line: string) => void = () => {}): Promise<ChainFixtures> {
  const dir = join(tmpdir(), `rechain-bench-${FIXTURE_VERSION}`);
  const complete = join(dir, 'COMPLETE');
  let generated = false;
  if (!existsSync(complete)) {
    log(`generating chain fixtures in ${dir} (once; about 30 s)...`);
    const staging = `${dir}.staging-${process.pid}`;
    rmSync(staging, { recursive: true, force: true });
    await writePoolFixture(join(staging, 'pool'));
    await writeMeshFixture(join(staging, 'mesh'));
    writeFileSync(join(staging, 'COMPLETE'), `${FIXTURE_VERSION}\n`);
    rmSync(dir, { recursive: true, force: true });
    try {
      renameSync(staging, dir);
    } catch {
      rmSync(staging, { recursive: true, force: true }); // another run finished first
    }
    generated = true;
  }
  return { dir, generated, pool: fixture(dir, 'pool'), mesh: fixture(dir, 'mesh') };
}

function validity(): { notBefore: Date; notAfter: Date } {
  const now = Date.now();
  return { notBefore: new Date(now - DAY), notAfter: new Date(now + 20 * 365 * DAY) };
}

/** Deterministic shuffle (a fixed LCG), so every generation scatters the path the same way. */
function shuffle<T>(items: T[]): T[] {
  let seed = 0x2545f491;
  for (let i = items.length - 1; i > 0; i--) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    const j = seed % (i + 1);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

async function inBatches<T>(count: number, make: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let start = 0; start < count; start += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, count - start) }, (_, k) => make(start + k));
    out.push(...(await Promise.all(batch)));
  }
  return out;
}

function writeFiles(dir: string, leaf: Issued, pool: readonly Issued[], roots: readonly Issued[]): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'leaf.pem'), leaf.pem);
  writeFileSync(join(dir, 'pool.pem'), pool.map((c) => c.pem).join(''));
  writeFileSync(join(dir, 'root.pem'), roots.map((c) => c.pem).join(''));
}

async function writePoolFixture(dir: string): Promise<void> {
  const v = validity();
  const root = await issue({ subject: 'CN=Bench Root R1, O=rechain bench', algorithm: 'rsa-2048', ca: true, ...v });
  const path: Issued[] = [];
  let issuer = root;
  for (let i = 1; i <= 4; i++) {
    issuer = await issue({ subject: `CN=Bench Intermediate ${i}, O=rechain bench`, issuer, algorithm: 'ec-p256', ca: true, ...v });
    path.push(issuer);
  }
  const leaf = await issue({ subject: SERVERNAME, issuer, names: [SERVERNAME], algorithm: 'ec-p256', ...v });

  const rsaKeys = await inBatches(SHARED_RSA_KEYS, () => generateKey('rsa-2048'));
  const otherRoots = await inBatches(UNRELATED_ROOTS, (i) => {
    const algorithm: KeyAlgorithm = i % 2 === 0 ? 'rsa-2048' : 'ec-p256';
    const key: KeyPair | undefined = algorithm === 'rsa-2048' ? rsaKeys[i % SHARED_RSA_KEYS] : undefined;
    return issue({ subject: `CN=Unrelated Root ${i}, O=Other PKI ${i}`, key, algorithm, ca: true, ...v });
  });
  const unrelatedCount = POOL_SIZE - path.length - otherRoots.length;
  const unrelated = await inBatches(unrelatedCount, (i) => {
    const parent = otherRoots[i % UNRELATED_ROOTS]!;
    const rsa = parent.key.algorithm === 'rsa-2048';
    return issue({
      subject: `CN=Unrelated CA ${i}, OU=Issuing, O=Other PKI ${i % UNRELATED_ROOTS}, C=US`,
      issuer: parent,
      ...(rsa ? { key: rsaKeys[(i >> 1) % SHARED_RSA_KEYS] } : { algorithm: 'ec-p256' as const }),
      ca: true,
      pathLen: 0,
      ...v,
    });
  });
  writeFiles(dir, leaf, shuffle([...otherRoots, ...unrelated, ...path]), [root]);
}

async function writeMeshFixture(dir: string): Promise<void> {
  const v = validity();
  const roots = await inBatches(MESH_ROOTS, (i) => issue({ subject: `CN=Mesh Root ${i + 1}, O=rechain bench`, ca: true, ...v }));
  const pool: Issued[] = [];
  let above: Issued[] = roots;
  for (let layer = 1; layer <= MESH_LAYERS; layer++) {
    const keys = await inBatches(MESH_WIDTH, () => generateKey('ec-p256'));
    const layerCerts: Issued[] = [];
    for (let w = 0; w < MESH_WIDTH; w++) {
      // One certificate per issuer above: same subject and key, a cross-sign each.
      const certs = await inBatches(above.length, (k) =>
        issue({ subject: `CN=Mesh L${layer} CA ${w + 1}, O=rechain bench`, issuer: above[k], key: keys[w], ca: true, ...v }),
      );
      layerCerts.push(...certs);
    }
    pool.push(...layerCerts);
    // The next layer is signed by one certificate of each CA (any: they share the key).
    above = layerCerts.filter((_, i) => i % above.length === 0);
  }
  const leaf = await issue({ subject: SERVERNAME, issuer: above[0], names: [SERVERNAME], ...v });
  writeFiles(dir, leaf, shuffle(pool), roots);
}
