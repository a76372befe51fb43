// `npm run bench:chain`: how fast rechain computes a chain, in-process and end to end.
//
// In-process (this process, on the fixtures of chain-fixtures.ts):
// - parse: read pool.pem, decodePem, Certificate.fromDer for every block (facts are decoded
//   lazily by design, see src/pki/der.ts, so this is the indexing cost only); and the real
//   loader, loadCertificates(pool.pem), which also hashes every certificate to drop duplicates.
// - compute: computeChain after parsing, three ways: cold (freshly parsed certificates and a
//   fresh verifier, as `explain` and a reload see them), fresh verifier (certificates already
//   decoded by an earlier run), warm (same verifier too: every signature check cached).
// End to end, each run a child process of this one, interleaved, medians:
// `rechain explain --cert leaf.pem --pool pool.pem --trust root.pem --servername N` against
// `openssl verify -untrusted pool.pem -CAfile root.pem leaf.pem`, with `node -e 0` and
// `rechain --version` as the floors that show where start-up time goes.
//
// Goals (from the issue): compute under 50 ms for the 5,000 pool; end to end at least as fast
// as openssl.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AnchorSet } from '../src/chain/anchors.js';
import { computeChain, type ChainReport } from '../src/chain/engine.js';
import { peerName } from '../src/chain/hostname.js';
import { DEFAULT_MAX_DEPTH, type TrustPolicy } from '../src/chain/policy.js';
import { Certificate } from '../src/pki/certificate.js';
import { loadCertificates } from '../src/pki/load-certificates.js';
import { decodePem } from '../src/pki/pem.js';
import { CachingSignatureVerifier, type SignatureVerifier } from '../src/pki/signatures.js';
import { chainFixtures, type ChainFixture } from './chain-fixtures.js';
import { fmt, max, median, min, ratio, table } from './lib/stats.js';

const PARSE_RUNS = 7;
const COLD_RUNS = 9;
const WARM_RUNS = 25;
const E2E_RUNS = Number(process.env['BENCH_E2E_RUNS'] ?? 9);
const COMPUTE_GOAL_MS = 50;

const here = dirname(fileURLToPath(import.meta.url));
/** dist/bench/chain.js -> dist/src/cli/main.js */
const CLI = join(here, '..', 'src', 'cli', 'main.js');

interface Parsed {
  readonly leaf: Certificate;
  readonly pool: Certificate[];
  readonly roots: Certificate[];
}

function parseFile(path: string): Certificate[] {
  return decodePem(readFileSync(path, 'latin1'))
    .filter((b) => b.label === 'CERTIFICATE')
    .map((b) => Certificate.fromDer(b.der, path));
}

function parseFixture(f: ChainFixture): Parsed {
  return { leaf: parseFile(f.leaf)[0]!, pool: parseFile(f.pool), roots: parseFile(f.root) };
}

function compute(f: ChainFixture, p: Parsed, verifier: SignatureVerifier): { ms: number; report: ChainReport } {
  const policy: TrustPolicy = {
    stores: [{ name: 'default', required: true, anchors: new AnchorSet(p.roots) }],
    distrust: new Set(),
    horizonMs: 0,
    prefer: [],
    maxDepth: DEFAULT_MAX_DEPTH,
  };
  const start = performance.now();
  const report = computeChain({
    leaf: p.leaf,
    bundle: [],
    pool: p.pool,
    policy,
    purpose: 'serverAuth',
    names: [peerName(f.servername)],
    at: Date.now(),
    verifier,
    monotonicNow: () => performance.now(),
  });
  return { ms: performance.now() - start, report };
}

/** A wrong answer makes every timing meaningless: stop. */
function check(f: ChainFixture, report: ChainReport): void {
  const problems: string[] = [];
  if (!report.valid) problems.push('no valid chain');
  if (report.served.length !== f.servedLength) problems.push(`served ${report.served.length} certificates, expected ${f.servedLength}`);
  if (report.candidates.length !== f.paths) problems.push(`${report.candidates.length} candidates, expected ${f.paths}`);
  if (report.budget.exhausted) problems.push(`budget exhausted: ${report.budget.exhausted}`);
  if (problems.length > 0) throw new Error(`${f.name} fixture: ${problems.join('; ')}`);
}

interface InProcess {
  parseMs: number[];
  loaderMs: number[];
  coldMs: number[];
  freshVerifierMs: number[];
  warmMs: number[];
  report: ChainReport;
}

async function inProcess(f: ChainFixture): Promise<InProcess> {
  const parseMs: number[] = [];
  const loaderMs: number[] = [];
  for (let i = 0; i < PARSE_RUNS; i++) {
    let t = performance.now();
    const pool = parseFile(f.pool);
    parseMs.push(performance.now() - t);
    if (pool.length !== f.poolSize) throw new Error(`${f.pool}: ${pool.length} certificates, expected ${f.poolSize}`);
    t = performance.now();
    await loadCertificates(f.pool);
    loaderMs.push(performance.now() - t);
  }

  const coldMs: number[] = [];
  let report: ChainReport | undefined;
  for (let i = 0; i < COLD_RUNS; i++) {
    const run = compute(f, parseFixture(f), new CachingSignatureVerifier());
    check(f, run.report);
    coldMs.push(run.ms);
    report = run.report;
  }

  const parsed = parseFixture(f);
  compute(f, parsed, new CachingSignatureVerifier()); // decodes the facts the search touches
  const freshVerifierMs: number[] = [];
  for (let i = 0; i < WARM_RUNS; i++) freshVerifierMs.push(compute(f, parsed, new CachingSignatureVerifier()).ms);
  const verifier = new CachingSignatureVerifier();
  compute(f, parsed, verifier);
  const warmMs: number[] = [];
  for (let i = 0; i < WARM_RUNS; i++) warmMs.push(compute(f, parsed, verifier).ms);
  return { parseMs, loaderMs, coldMs, freshVerifierMs, warmMs, report: report! };
}

interface Command {
  readonly label: string;
  readonly file: string;
  readonly args: readonly string[];
  /** Exit status that means the command did its job. */
  readonly ok: number;
}

function commandsFor(f: ChainFixture, hasOpenssl: boolean): Command[] {
  const explain = ['explain', '--cert', f.leaf, '--pool', f.pool, '--trust', f.root, '--servername', f.servername];
  return [
    { label: 'node -e 0', file: process.execPath, args: ['-e', '0'], ok: 0 },
    { label: 'rechain --version', file: process.execPath, args: [CLI, '--version'], ok: 0 },
    { label: 'rechain explain', file: process.execPath, args: [CLI, ...explain], ok: 0 },
    ...(hasOpenssl ? [{ label: 'openssl verify', file: 'openssl', args: ['verify', '-untrusted', f.pool, '-CAfile', f.root, f.leaf], ok: 0 }] : []),
  ];
}

function timeCommand(c: Command): number {
  const start = performance.now();
  const result = spawnSync(c.file, c.args, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const ms = performance.now() - start;
  if (result.error) throw result.error;
  if (result.status !== c.ok) throw new Error(`${c.label} exited ${result.status}: ${result.stderr.slice(0, 500)}`);
  return ms;
}

/** Every command once per round, rounds interleaved so that machine noise hits all alike. */
function endToEnd(f: ChainFixture, hasOpenssl: boolean): Map<string, number[]> {
  const commands = commandsFor(f, hasOpenssl);
  const times = new Map(commands.map((c) => [c.label, [] as number[]]));
  for (const c of commands) timeCommand(c); // warm the page cache
  for (let round = 0; round < E2E_RUNS; round++) {
    const order = round % 2 === 0 ? commands : [...commands].reverse();
    for (const c of order) times.get(c.label)!.push(timeCommand(c));
  }
  return times;
}

function opensslAvailable(): boolean {
  const r = spawnSync('openssl', ['version'], { stdio: 'ignore' });
  return !r.error && r.status === 0;
}

function spread(values: number[]): string {
  return `${fmt(median(values))} (${fmt(min(values))}–${fmt(max(values))})`;
}

async function main(): Promise<void> {
  const totalStart = performance.now();
  const fixtures = await chainFixtures((line) => process.stderr.write(`${line}\n`));
  const hasOpenssl = opensslAvailable();
  const sets = [fixtures.pool, fixtures.mesh];
  const results: { f: ChainFixture; ip: InProcess; e2e: Map<string, number[]> }[] = [];
  for (const f of sets) {
    process.stderr.write(`${f.name}: in-process...\n`);
    const ip = await inProcess(f);
    process.stderr.write(`${f.name}: end to end (${E2E_RUNS} interleaved rounds)...\n`);
    results.push({ f, ip, e2e: endToEnd(f, hasOpenssl) });
  }

  const e2e = (r: (typeof results)[number], label: string): number[] => r.e2e.get(label) ?? [];
  const row = (label: string, cell: (r: (typeof results)[number]) => string): string[] => [label, ...results.map(cell)];
  const rows: string[][] = [
    row('pool certificates', (r) => String(r.f.poolSize)),
    row('candidate paths / served length', (r) => `${r.ip.report.candidates.length} / ${r.ip.report.served.length}`),
    row('signature checks / search steps', (r) => `${r.ip.report.budget.signatures} / ${r.ip.report.budget.steps}`),
    row('parse: read + decodePem + fromDer (ms)', (r) => spread(r.ip.parseMs)),
    row('parse: loadCertificates(pool) (ms)', (r) => spread(r.ip.loaderMs)),
    row('compute cold: fresh certs + verifier (ms)', (r) => spread(r.ip.coldMs)),
    row('compute: decoded certs, fresh verifier (ms)', (r) => spread(r.ip.freshVerifierMs)),
    row('compute warm: same verifier (ms)', (r) => spread(r.ip.warmMs)),
    row('e2e: node -e 0 (ms)', (r) => spread(e2e(r, 'node -e 0'))),
    row('e2e: rechain --version (ms)', (r) => spread(e2e(r, 'rechain --version'))),
    row('e2e: rechain explain (ms)', (r) => spread(e2e(r, 'rechain explain'))),
    row('e2e: openssl verify (ms)', (r) => (hasOpenssl ? spread(e2e(r, 'openssl verify')) : 'not installed')),
    row('e2e ratio: rechain / openssl', (r) => ratio(median(e2e(r, 'rechain explain')), median(e2e(r, 'openssl verify')))),
  ];
  const poolResult = results[0]!;
  const coldPool = median(poolResult.ip.coldMs);
  const explainPool = median(e2e(poolResult, 'rechain explain'));
  const opensslPool = median(e2e(poolResult, 'openssl verify'));
  const verdict = (ok: boolean | undefined): string => (ok === undefined ? 'n/a' : ok ? 'MET' : 'MISSED');

  const out = [
    `rechain chain benchmark — node ${process.version}, ${E2E_RUNS} e2e rounds; figures are median (min–max)`,
    `fixtures: ${fixtures.dir}${fixtures.generated ? ' (generated this run)' : ' (cached)'}`,
    `pool = ${fixtures.pool.poolSize.toLocaleString('en-US')} CA certificates with a depth-4 chain scattered in it; mesh = 3 roots x 4 layers x 3 CAs, each cross-signed by the whole layer above`,
    '',
    table(['figure', ...results.map((r) => r.f.name)], rows),
    '',
    `goal: compute (cold) < ${COMPUTE_GOAL_MS} ms for the 5,000 pool: ${fmt(coldPool)} ms — ${verdict(coldPool < COMPUTE_GOAL_MS)}`,
    `goal: end to end at least as fast as openssl (pool): ${fmt(explainPool)} ms vs ${fmt(opensslPool)} ms — ${verdict(hasOpenssl ? explainPool <= opensslPool : undefined)}`,
    `total benchmark time ${fmt((performance.now() - totalStart) / 1000)} s`,
  ];
  process.stdout.write(`${out.join('\n')}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:chain failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
