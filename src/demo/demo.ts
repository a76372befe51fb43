// demo/ owns `rechain demo`: the 2021 PKI, a sample backend and a naive server. Nothing in
// src/ outside cli/ may import it.
//
// `rechain demo` (what `npm start` runs): September 2021 replayed in a temporary directory. A
// naive TLS server serves the node's stale bundle; rechain, given the same bundle, a pool and
// the post-update trust store, serves the chain clients accept. Prints the chains, why, and
// commands that prove it; cleans up when stopped.
import { mkdtemp, rm } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createMetrics } from '../admin/metrics.js';
import { reportView } from '../chain/report-view.js';
import { renderExplain } from '../cli/render-explain.js';
import { parseConfig } from '../config/index.js';
import type { Certificate } from '../pki/certificate.js';
import { startProxy } from '../proxy/proxy.js';
import { systemClock } from '../runtime/clock.js';
import { createLogger } from '../runtime/logger.js';
import { createIncidentPki, writeIncidentFiles } from './incident-pki.js';
import { startNaiveServer } from './naive-server.js';
import { startSampleBackend } from './sample-backend.js';

export interface DemoOptions {
  /** Stop after this many seconds; undefined = until SIGINT/SIGTERM. */
  readonly durationSeconds: number | undefined;
  readonly out: NodeJS.WritableStream;
}

function chainText(certs: readonly Certificate[]): string {
  return certs.map((c) => `${c.facts?.commonNames[0] ?? c.label} (issued by ${c.facts?.issuer.match(/CN=([^,]+)/)?.[1] ?? '?'})`).join(' -> ');
}

export async function runDemo(options: DemoOptions): Promise<number> {
  const dir = await mkdtemp(path.join(tmpdir(), 'rechain-demo-'));
  const pki = await createIncidentPki({ now: systemClock.now() });
  const files = await writeIncidentFiles(pki, dir);
  const backend = await startSampleBackend('db-a');
  const naive = await startNaiveServer(files.staleBundle, files.key);
  const logFile = path.join(dir, 'rechain.log');
  const log = createWriteStream(logFile);
  const config = parseConfig({
    admin: { listen: '127.0.0.1:0' },
    trust: { stores: [{ name: 'modern', sources: [files.trustNew] }], horizon: '30d' },
    certificates: [{ name: 'db-a', cert: files.staleBundle, key: files.key, pool: [files.staleCacheDir, files.pool], names: ['localhost', 'db-a.cluster.test'] }],
    listeners: [{ name: 'db-a', listen: '127.0.0.1:0', mode: 'http', backend: `127.0.0.1:${backend.port}`, certificate: 'db-a' }],
  });
  const proxy = await startProxy(config, { env: process.env, clock: systemClock, logger: createLogger('info', log), metrics: createMetrics('demo') });
  const port = proxy.listeners.get('db-a')!.port;
  const admin = proxy.admin!.port;
  const report = proxy.state.snapshot.reports.get('db-a')!;
  const write = (line = ''): void => void options.out.write(`${line}\n`);

  write("rechain demo: September 2021, when DST Root CA X3 left clients' trust stores, replayed here.");
  write('');
  write('A database node ("db-a") has a stale local certificate cache. Its clients and peers updated');
  write('ca-certificates and now trust only ISRG Root X1. The same leaf, two servers:');
  write('');
  write(`  the node as it was  https://localhost:${naive.port}/  serves  ${chainText([pki.leaf.certificate, pki.r3ByOldRoot.certificate])}`);
  write(`  rechain in front    https://localhost:${port}/  serves  ${chainText(report.served)}`);
  write('');
  write('Why rechain chose that chain (rechain explain):');
  write(renderExplain('db-a', reportView(report)).replace(/^(?=.)/gm, '  '));
  write('');
  const ca = files.trustNew;
  write('Try it. These succeed (clients that trust only ISRG Root X1 accept rechain\'s chain):');
  write(`  $ curl -sS --cacert ${ca} https://localhost:${port}/`);
  write(`  $ openssl s_client -connect 127.0.0.1:${port} -servername localhost -CAfile ${ca} -verify_return_error -brief </dev/null`);
  write('');
  write('These fail, as clients failed in 2021 ("unable to get local issuer certificate"):');
  write(`  $ curl -sS --cacert ${ca} https://localhost:${naive.port}/`);
  write(`  $ openssl s_client -connect 127.0.0.1:${naive.port} -servername localhost -CAfile ${ca} -verify_return_error -brief </dev/null`);
  write('');
  write(`Metrics: http://127.0.0.1:${admin}/metrics   Chains: http://127.0.0.1:${admin}/chains   Logs: ${logFile}`);
  write(`Explain it yourself: npx rechain explain --cert ${files.staleBundle} --pool ${files.pool} --trust ${ca}`);
  write(options.durationSeconds === undefined ? `Press Ctrl-C to stop; ${dir} is removed then.` : `Stopping in ${options.durationSeconds} s; ${dir} is removed then.`);

  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    if (options.durationSeconds !== undefined) setTimeout(stop, options.durationSeconds * 1000).unref();
  });
  await proxy.shutdown(1000);
  await Promise.all([naive.close(), backend.close()]);
  log.end();
  await rm(dir, { recursive: true, force: true });
  write('demo stopped; temporary files removed.');
  return 0;
}
