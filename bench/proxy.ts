// `npm run bench`: rechain against the floor of any Node TLS terminator, figure by figure.
//
// Every party is its own process on 127.0.0.1: the plaintext backend (proxy-backend.ts), the
// Node floor (proxy-floor.ts: tls.createServer + pipe, or https + http.request in HTTP mode),
// rechain (`rechain serve` from dist, as operators run it) and the load clients (wrk when it is
// installed, else proxy-client.ts; proxy-client.ts for handshakes, bulk and idle connections).
// Runs are interleaved (floor, rechain, then rechain, floor...) and medians reported, since the
// machine is small and shared. Besides each rate, the server process's own CPU time (all threads,
// from /proc) gives its capacity per CPU-second: on 2 cores a client can rarely saturate the
// server, and capacity is then the figure that compares designs.
//
// Environment: BENCH_ROUNDS (default 5), BENCH_BULK_MIB (256), BENCH_IDLE_CONNECTIONS (2000),
// BENCH_HTTP_CLIENT=node (use the Node HTTP client even when wrk is installed).
import { cpus, loadavg, tmpdir } from 'node:os';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { issue, type KeyAlgorithm } from '../src/pki/generate.js';
import { cpuSeconds, holdClient, rssBytes, runClient, sleep, startServer, type Server } from './lib/processes.js';
import { fmt, median, ratio, table } from './lib/stats.js';
import { runWrk, wrkAvailable, type HttpLoadResult } from './lib/wrk.js';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 5);
const BULK_BYTES = Number(process.env['BENCH_BULK_MIB'] ?? 256) * 1024 * 1024;
const IDLE_CONNECTIONS = Number(process.env['BENCH_IDLE_CONNECTIONS'] ?? 2000);
// Handshake runs are short and many: bursts of load from other processes hit single runs,
// and the median of many interleaved runs sees through them.
const HANDSHAKE_MS = 1_500;
const HANDSHAKE_ROUNDS = 2 * ROUNDS - 1;
const HANDSHAKE_CONCURRENCY = 16;
const HTTP_MS = 3_000;
const HTTP_CONNECTIONS = 32;
const MEMORY_ROUNDS = 2;
const SERVERNAME = 'bench.example';

const here = dirname(fileURLToPath(import.meta.url));
const NODE = process.execPath;
const CLIENT = join(here, 'proxy-client.js');
const BACKEND = join(here, 'proxy-backend.js');
const FLOOR = join(here, 'proxy-floor.js');
const CLI = join(here, '..', 'src', 'cli', 'main.js');

type Target = 'direct' | 'floor' | 'rechain';
type Mode = 'tcp' | 'http';
interface Credentials {
  bundle: string;
  key: string;
  root: string;
}
interface Endpoint {
  readonly port: number;
  /** The process whose CPU and memory are measured. */
  readonly pid: number;
}

/** Samples per figure and target; each figure's value is the median. */
const samples = new Map<string, Map<Target, number[]>>();
function record(figure: string, target: Target, value: number): void {
  if (!samples.has(figure)) samples.set(figure, new Map());
  const byTarget = samples.get(figure)!;
  if (!byTarget.has(target)) byTarget.set(target, []);
  byTarget.get(target)!.push(value);
}
function value(figure: string, target: Target): number | undefined {
  const list = samples.get(figure)?.get(target);
  return list && list.length > 0 ? median(list) : undefined;
}

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

async function makePki(dir: string): Promise<Record<'ec-p256' | 'rsa-2048', Credentials>> {
  const DAY = 24 * 60 * 60 * 1000;
  const validity = { notBefore: new Date(Date.now() - DAY), notAfter: new Date(Date.now() + 30 * DAY) };
  const out = {} as Record<'ec-p256' | 'rsa-2048', Credentials>;
  for (const algorithm of ['ec-p256', 'rsa-2048'] as const satisfies readonly KeyAlgorithm[]) {
    const root = await issue({ subject: `Bench Root ${algorithm}`, ca: true, algorithm, ...validity });
    const intermediate = await issue({ subject: `Bench Intermediate ${algorithm}`, issuer: root, ca: true, algorithm, ...validity });
    const leaf = await issue({ subject: SERVERNAME, issuer: intermediate, names: [SERVERNAME], algorithm, ...validity });
    const file = (name: string, text: string): string => {
      const path = join(dir, `${algorithm}-${name}`);
      writeFileSync(path, text);
      return path;
    };
    // Both servers serve leaf + intermediate: the floor from the bundle, rechain computes it.
    out[algorithm] = { bundle: file('bundle.pem', leaf.pem + intermediate.pem), key: file('key.pem', leaf.keyPem), root: file('root.pem', root.pem) };
  }
  return out;
}

async function startFloor(mode: Mode, creds: Credentials, backendPort: number): Promise<Server & Endpoint> {
  const args = [FLOOR, '--mode', mode, '--cert', creds.bundle, '--key', creds.key, '--backend', String(backendPort)];
  const server = await startServer(NODE, args, (line) => line['ready'] === true);
  return { ...server, port: Number(server.announcement['port']) };
}

async function startRechain(mode: Mode, creds: Credentials, backendPort: number): Promise<Server & Endpoint> {
  const args = [
    CLI, 'serve', '--listen', '127.0.0.1:0', '--backend', `127.0.0.1:${backendPort}`, '--mode', mode,
    '--cert', creds.bundle, '--key', creds.key, '--trust', creds.root, '--servername', SERVERNAME, '--log-level', 'info',
  ];
  const server = await startServer(NODE, args, (line) => line['event'] === 'started');
  const address = String((server.announcement['listeners'] as Record<string, string>)['default']);
  return { ...server, port: Number(address.slice(address.lastIndexOf(':') + 1)) };
}

/** Run `fn` and return its result with the CPU seconds `pid` spent meanwhile. */
async function withCpu<T>(pid: number, fn: () => Promise<T>): Promise<{ result: T; cpu: number; seconds: number }> {
  const cpu0 = cpuSeconds(pid);
  const start = performance.now();
  const result = await fn();
  return { result, cpu: cpuSeconds(pid) - cpu0, seconds: (performance.now() - start) / 1000 };
}

/** The targets in alternating order, so neither side always runs first. */
function order<T>(items: T[], round: number): T[] {
  return round % 2 === 0 ? items : [...items].reverse();
}

async function handshakeFigure(name: string, floor: Endpoint, rechain: Endpoint): Promise<void> {
  const run = (port: number, durationMs: number) =>
    runClient(NODE, [CLIENT, 'handshakes', '--port', String(port), '--concurrency', String(HANDSHAKE_CONCURRENCY), '--duration', String(durationMs)]);
  for (const e of [floor, rechain]) await run(e.port, 1_000); // warm-up: JIT, first contexts
  for (let round = 0; round < HANDSHAKE_ROUNDS; round++) {
    for (const [target, e] of order<[Target, Endpoint]>([['floor', floor], ['rechain', rechain]], round)) {
      const m = await withCpu(e.pid, () => run(e.port, HANDSHAKE_MS));
      const count = Number(m.result['count']);
      if (Number(m.result['errors']) > 0) log(`  ${name} ${target}: ${String(m.result['errors'])} failed handshakes`);
      record(`${name}:rate`, target, Number(m.result['rate']));
      if (m.cpu > 0) record(`${name}:capacity`, target, count / m.cpu);
      record(`${name}:util`, target, (100 * m.cpu) / m.seconds);
    }
  }
}

async function httpLoad(port: number, tls: boolean, durationMs: number, useWrk: boolean): Promise<HttpLoadResult> {
  if (useWrk) return runWrk(`${tls ? 'https' : 'http'}://127.0.0.1:${port}/`, HTTP_CONNECTIONS, durationMs);
  const r = await runClient(NODE, [CLIENT, 'http', '--port', String(port), ...(tls ? ['--tls'] : []), '--connections', String(HTTP_CONNECTIONS), '--duration', String(durationMs)]);
  return { requests: Number(r['requests']), rate: Number(r['rate']), p50Ms: Number(r['p50Ms']), p99Ms: Number(r['p99Ms']), errors: Number(r['errors']) };
}

async function httpFigure(name: string, targets: [Target, Endpoint, boolean][], useWrk: boolean): Promise<void> {
  for (const [, e, tls] of targets) await httpLoad(e.port, tls, 1_000, useWrk);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [target, e, tls] of order(targets, round)) {
      const m = await withCpu(e.pid, () => httpLoad(e.port, tls, HTTP_MS, useWrk));
      if (m.result.errors > 0) log(`  ${name} ${target}: ${m.result.errors} errors`);
      record(`${name}:rate`, target, m.result.rate);
      record(`${name}:p50`, target, m.result.p50Ms);
      record(`${name}:p99`, target, m.result.p99Ms);
      if (m.cpu > 0) record(`${name}:capacity`, target, m.result.requests / m.cpu);
      record(`${name}:util`, target, (100 * m.cpu) / m.seconds);
    }
  }
}

async function bulkFigure(targets: [Target, Endpoint, boolean][]): Promise<void> {
  const run = (e: Endpoint, tls: boolean) => runClient(NODE, [CLIENT, 'bulk', '--port', String(e.port), ...(tls ? ['--tls'] : [])]);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [target, e, tls] of order(targets, round)) {
      const m = await withCpu(e.pid, () => run(e, tls));
      const bytes = Number(m.result['bytes']);
      if (bytes !== BULK_BYTES) throw new Error(`bulk via ${target}: ${bytes} bytes, expected ${BULK_BYTES}`);
      record('bulk:rate', target, Number(m.result['mbPerSecond']));
      if (m.cpu > 0) record('bulk:capacity', target, bytes / 1e6 / m.cpu);
      record('bulk:util', target, (100 * m.cpu) / m.seconds);
    }
  }
}

/** RSS growth per idle TLS connection, each round on freshly started servers. */
async function memoryFigure(start: Record<'floor' | 'rechain', () => Promise<Server & Endpoint>>): Promise<void> {
  for (let round = 0; round < MEMORY_ROUNDS; round++) {
    for (const target of order<'floor' | 'rechain'>(['floor', 'rechain'], round)) {
      const server = await start[target]();
      try {
        await runClient(NODE, [CLIENT, 'handshakes', '--port', String(server.port), '--concurrency', '8', '--duration', '1000']);
        await sleep(500);
        const before = rssBytes(server.pid);
        const held = await holdClient(NODE, [CLIENT, 'idle', '--port', String(server.port), '--count', String(IDLE_CONNECTIONS), '--concurrency', '32']);
        await sleep(1_000);
        const after = rssBytes(server.pid);
        const opened = Number(held.result['opened']);
        await held.release();
        if (opened !== IDLE_CONNECTIONS) log(`  memory ${target}: only ${opened} of ${IDLE_CONNECTIONS} connections opened`);
        record('memory:perConnection', target, (after - before) / 1024 / opened);
      } finally {
        await server.stop();
      }
    }
  }
}

async function pair(mode: Mode, creds: Credentials, backendPort: number): Promise<{ floor: Server & Endpoint; rechain: Server & Endpoint; stop(): Promise<void> }> {
  const floor = await startFloor(mode, creds, backendPort);
  const rechain = await startRechain(mode, creds, backendPort);
  return { floor, rechain, stop: async () => void (await Promise.all([floor.stop(), rechain.stop()])) };
}

interface Row {
  readonly label: string;
  readonly figure: string;
  readonly targets: readonly Target[];
  /** Which way is better, for the goal column; none for rows that only explain others. */
  readonly better?: 'higher' | 'lower';
}

function renderRow(row: Row): string[] {
  const cell = (t: Target) => (row.targets.includes(t) ? fmt(value(row.figure, t)) : '—');
  const r = value(row.figure, 'rechain');
  const f = value(row.figure, 'floor');
  let goal = '';
  if (row.better && r !== undefined && f !== undefined) {
    const ok = row.better === 'higher' ? r >= 0.9 * f : r <= 1.1 * f;
    goal = ok ? 'MET' : 'MISSED';
  }
  return [row.label, cell('direct'), cell('floor'), cell('rechain'), ratio(r, f), goal];
}

/** Rates measured while a proxy used less than 80% of a core say more about the client. */
function clientBoundNotes(): string[] {
  const figures: [string, string][] = [
    ['hs-ec-p256', 'ECDSA handshakes'],
    ['hs-rsa-2048', 'RSA handshakes'],
    ['http', 'HTTP mode'],
    ['http-tcp', 'HTTP through TCP mode'],
    ['bulk', 'bulk'],
  ];
  const bound = figures.filter(([f]) => (['floor', 'rechain'] as const).some((t) => (value(`${f}:util`, t) ?? 100) < 80));
  if (bound.length === 0) return [];
  return [
    `client-bound: ${bound.map(([, label]) => label).join(', ')} (a proxy used < 80% of a core, so the load generator, ` +
      'not the proxy, set the rate); compare the per-CPU-second row under each instead.',
  ];
}

async function main(): Promise<void> {
  const totalStart = performance.now();
  const load0 = loadavg()[0]!;
  const useWrk = process.env['BENCH_HTTP_CLIENT'] !== 'node' && wrkAvailable();
  const dir = mkdtempSync(join(tmpdir(), 'rechain-bench-proxy-'));
  const servers: { stop(): Promise<void> }[] = [];
  try {
    const pki = await makePki(dir);
    const backend = await startServer(NODE, [BACKEND, '--bulk-bytes', String(BULK_BYTES)], (line) => line['ready'] === true);
    servers.push(backend);
    const ports = backend.announcement['ports'] as Record<'http' | 'idle' | 'bulk', number>;
    const direct = (port: number): Endpoint => ({ port, pid: backend.pid });

    for (const algorithm of ['ec-p256', 'rsa-2048'] as const) {
      log(`handshakes, ${algorithm}...`);
      const p = await pair('tcp', pki[algorithm], ports.idle);
      await handshakeFigure(`hs-${algorithm}`, p.floor, p.rechain);
      await p.stop();
    }

    log(`HTTP keep-alive, HTTP mode (${useWrk ? 'wrk' : 'Node client: wrk not installed'})...`);
    let p = await pair('http', pki['ec-p256'], ports.http);
    await httpFigure('http', [['direct', direct(ports.http), false], ['floor', p.floor, true], ['rechain', p.rechain, true]], useWrk);
    await p.stop();

    log('HTTP keep-alive, TCP mode...');
    p = await pair('tcp', pki['ec-p256'], ports.http);
    await httpFigure('http-tcp', [['floor', p.floor, true], ['rechain', p.rechain, true]], useWrk);
    await p.stop();

    log(`bulk, ${BULK_BYTES / 1024 / 1024} MiB per run...`);
    p = await pair('tcp', pki['ec-p256'], ports.bulk);
    await bulkFigure([['direct', direct(ports.bulk), false], ['floor', p.floor, true], ['rechain', p.rechain, true]]);
    await p.stop();

    log(`memory, ${IDLE_CONNECTIONS} idle TLS connections...`);
    await memoryFigure({
      floor: () => startFloor('tcp', pki['ec-p256'], ports.idle),
      rechain: () => startRechain('tcp', pki['ec-p256'], ports.idle),
    });
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    rmSync(dir, { recursive: true, force: true });
  }

  const proxies: Target[] = ['floor', 'rechain'];
  const all: Target[] = ['direct', 'floor', 'rechain'];
  const rows: Row[] = [];
  for (const [alg, label] of [['ec-p256', 'ECDSA P-256'], ['rsa-2048', 'RSA-2048']] as const) {
    rows.push(
      { label: `TLS handshakes/s, ${label} leaf`, figure: `hs-${alg}:rate`, targets: proxies, better: 'higher' },
      { label: '  per server CPU-second (capacity)', figure: `hs-${alg}:capacity`, targets: proxies, better: 'higher' },
      { label: '  server CPU used (% of one core)', figure: `hs-${alg}:util`, targets: proxies },
    );
  }
  for (const [name, label, targets] of [
    ['http', 'HTTP keep-alive req/s, HTTP mode', all],
    ['http-tcp', 'HTTP keep-alive req/s, TCP mode', proxies],
  ] as const) {
    rows.push(
      { label, figure: `${name}:rate`, targets, better: 'higher' },
      { label: '  p50 latency (ms)', figure: `${name}:p50`, targets, better: 'lower' },
      { label: '  p99 latency (ms)', figure: `${name}:p99`, targets, better: 'lower' },
      { label: '  requests per server CPU-second', figure: `${name}:capacity`, targets, better: 'higher' },
      { label: '  server CPU used (% of one core)', figure: `${name}:util`, targets },
    );
  }
  rows.push(
    { label: 'TCP bulk MB/s (backend -> client)', figure: 'bulk:rate', targets: all, better: 'higher' },
    { label: '  MB per server CPU-second', figure: 'bulk:capacity', targets: all, better: 'higher' },
    { label: '  server CPU used (% of one core)', figure: 'bulk:util', targets: all },
    { label: `memory per idle TLS connection (KiB RSS)`, figure: 'memory:perConnection', targets: proxies, better: 'lower' },
  );

  const out = [
    `rechain proxy benchmark — node ${process.version}, ${cpus().length} cores, medians of interleaved rounds (${HANDSHAKE_ROUNDS} for handshakes, ${ROUNDS} for the others)`,
    `load average ${fmt(load0)} at start, ${fmt(loadavg()[0])} at end; HTTP load: ${useWrk ? `wrk -t1 -c${HTTP_CONNECTIONS}` : `Node client, ${HTTP_CONNECTIONS} connections (install wrk for less client overhead)`}; handshakes: ${HANDSHAKE_CONCURRENCY} concurrent Node clients, no resumption`,
    `backend direct = plaintext to the backend; Node floor = tls.createServer + pipe (HTTP mode: https + http.request); rechain = \`rechain serve\``,
    '',
    table(['figure', 'backend direct', 'Node floor', 'rechain', 'rechain/floor', 'goal ±10%'], rows.map(renderRow)),
    '',
    ...clientBoundNotes(),
    `total benchmark time ${fmt((performance.now() - totalStart) / 1000)} s`,
  ];
  process.stdout.write(`${out.join('\n')}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
