// The 2021 incident end to end: a node whose stale cache serves leaf + R3-by-DST, clients that
// trust only ISRG Root X1. rechain serve (flags only) must serve leaf + R3-by-ISRG, which
// openssl s_client and curl verify; a client that trusts neither gets our chain and sends
// unknown_ca, which shows in the metrics.
import t from 'tap';
import http from 'node:http';
import { createIncidentPki, writeIncidentFiles } from '../../src/demo/incident-pki.js';
import { listen } from '../helpers/sockets.js';
import { boundPorts, startRechain } from '../helpers/rechain-process.js';
import { curl, sClient } from '../helpers/tls-clients.js';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

t.test('rechain serve rewrites the stale 2021 chain for clients that trust only ISRG Root X1', async (t) => {
  const dir = t.testdir();
  const pki = await createIncidentPki({ now: Date.now() });
  const files = await writeIncidentFiles(pki, dir);
  const backend = http.createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ host: req.headers.host, xff: req.headers['x-forwarded-for'], xfcc: req.headers['x-forwarded-client-cert'] ?? null }));
  });
  const backendPort = await listen(t, backend);

  const rechain = startRechain([
    'serve',
    '--listen', '127.0.0.1:0',
    '--backend', `127.0.0.1:${backendPort}`,
    '--mode', 'http',
    '--cert', files.staleBundle,
    '--key', files.key,
    '--pool', files.pool,
    '--trust', files.trustNew,
    '--servername', 'db-a.cluster.test',
    '--admin', '127.0.0.1:0',
  ]);
  t.teardown(() => rechain.stop());
  const { listeners, admin } = await boundPorts(rechain);
  const port = listeners.default!;

  const selected = await rechain.waitFor((e) => e.event === 'chain_selected');
  t.equal(selected.valid, true);
  t.equal(selected.rewritten, true, 'the log says the served chain differs from the bundle');

  const s = await sClient(port, { servername: 'db-a.cluster.test', caFile: files.trustNew });
  t.ok(s.verified, 'openssl s_client -verify_return_error accepts the chain');
  t.same(s.served, [pki.leaf.certificate.fingerprint, pki.r3ByNewRoot.certificate.fingerprint], 'served: leaf + R3 by ISRG Root X1');

  const c = await curl(`https://db-a.cluster.test:${port}/`, {
    caFile: files.trustNew,
    resolve: `db-a.cluster.test:${port}:127.0.0.1`,
    headers: ['X-Forwarded-Client-Cert: By=spoofed;Hash=00'],
  });
  t.equal(c.status, 200, `curl --cacert succeeds: ${c.stderr}`);
  const seen = JSON.parse(c.body) as { host: string; xff: string; xfcc: string | null };
  t.equal(seen.host, `db-a.cluster.test:${port}`, 'Host is preserved');
  t.equal(seen.xff, '127.0.0.1', 'X-Forwarded-For is set');
  t.equal(seen.xfcc, null, 'a client-sent X-Forwarded-Client-Cert never reaches the backend');

  // A client whose store lacks our root rejects the chain with an unknown_ca alert.
  const strangerCa = path.join(dir, 'stranger.pem');
  writeFileSync(strangerCa, pki.oldRoot.pem);
  const rejected = await sClient(port, { servername: 'db-a.cluster.test', caFile: strangerCa });
  t.notOk(rejected.verified, 'a client trusting only DST Root CA X3 rejects it');
  const metrics = await (await fetch(`http://127.0.0.1:${admin}/metrics`)).text();
  t.match(metrics, /rechain_handshake_failures_total\{listener="default",reason="unknown_ca"\} 1/);
  t.match(metrics, /rechain_chain_valid\{certificate="default",store="default"\} 1/);
  t.match(metrics, /rechain_chain_rewritten\{certificate="default"\} 1/);
  t.match(metrics, /rechain_chain_info\{certificate="default",root="ISRG Root X1",fingerprint="[0-9a-f]{64}",length="2"\} 1/);

  const chains = (await (await fetch(`http://127.0.0.1:${admin}/chains`)).json()) as {
    certificates: Record<string, { served: { fingerprint: string }[]; deadEnds: { reason: { reason: string } }[] }>;
  };
  t.same(
    chains.certificates.default!.served.map((c) => c.fingerprint),
    s.served,
    '/chains shows the served chain',
  );
  t.equal(chains.certificates.default!.deadEnds[0]?.reason.reason, 'issuer_not_found', '/chains explains the stale branch');

  const ready = await fetch(`http://127.0.0.1:${admin}/readyz`);
  t.equal(ready.status, 200);

  const exit = await rechain.stop();
  t.equal(exit.code, 0, 'SIGTERM drains and exits 0');
});
