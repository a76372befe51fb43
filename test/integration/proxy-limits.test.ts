// The proxy in-process, with an injected clock: the periodic recompute applies the horizon as
// time passes; max connections, handshake timeouts, garbage from clients and failing backends
// each cost one socket and a counted reason, never the process.
import t from 'tap';
import http from 'node:http';
import net from 'node:net';
import tls from 'node:tls';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createMetrics } from '../../src/admin/metrics.js';
import { parseConfig } from '../../src/config/index.js';
import { issue } from '../../src/pki/generate.js';
import { startProxy } from '../../src/proxy/proxy.js';
import { ManualClock } from '../../src/runtime/clock.js';
import { silentLogger } from '../../src/runtime/logger.js';
import { startTestProxy as start } from '../helpers/proxy.js';
import { closedPort, listen, track } from '../helpers/sockets.js';
import { sClient } from '../helpers/tls-clients.js';

const DAY = 86_400_000;

async function simplePki(dir: string, now: number) {
  const root = await issue({ subject: 'Test Root', ca: true, notBefore: new Date(now - DAY), notAfter: new Date(now + 900 * DAY) });
  const leaf = await issue({ subject: 'localhost', issuer: root, names: ['localhost'], notBefore: new Date(now - DAY), notAfter: new Date(now + 300 * DAY) });
  const files = { cert: path.join(dir, 'leaf.pem'), key: path.join(dir, 'leaf.key'), trust: path.join(dir, 'root.pem') };
  writeFileSync(files.cert, leaf.pem);
  writeFileSync(files.key, leaf.keyPem);
  writeFileSync(files.trust, root.pem);
  return { root, leaf, files };
}

function listenerDoc(files: { cert: string; key: string; trust: string }, listener: Record<string, unknown>, limits: Record<string, unknown> = {}) {
  return {
    trust: { stores: [{ name: 's', sources: [files.trust] }] },
    certificates: [{ name: 'c', cert: files.cert, key: files.key }],
    listeners: [{ name: 'l', listen: '127.0.0.1:0', certificate: 'c', ...listener }],
    limits,
    reload: { interval: '0s' },
  };
}

t.test('the periodic recompute applies the horizon as time passes', async (t) => {
  const dir = t.testdir();
  const now = Date.now();
  const oldRoot = await issue({ subject: 'Old Root', ca: true, notBefore: new Date(now - 900 * DAY), notAfter: new Date(now + 40 * DAY) });
  const newRoot = await issue({ subject: 'New Root', ca: true, notBefore: new Date(now - DAY), notAfter: new Date(now + 3000 * DAY) });
  const intByOld = await issue({ subject: 'Issuing CA', issuer: oldRoot, ca: true, notBefore: new Date(now - DAY), notAfter: new Date(now + 40 * DAY) });
  const intByNew = await issue({ subject: 'Issuing CA', key: intByOld.key, issuer: newRoot, ca: true, notBefore: new Date(now - DAY), notAfter: new Date(now + 900 * DAY) });
  const leaf = await issue({ subject: 'localhost', issuer: intByNew, names: ['localhost'], notBefore: new Date(now - DAY), notAfter: new Date(now + 300 * DAY) });
  const write = (name: string, pem: string) => {
    const file = path.join(dir, name);
    writeFileSync(file, pem);
    return file;
  };
  const backendPort = await closedPort();
  const clock = new ManualClock(now);
  const { proxy, metrics } = await start(
    t,
    {
      trust: { stores: [{ name: 's', sources: [write('roots.pem', oldRoot.pem + newRoot.pem)] }], horizon: '30d', prefer: ['Old Root'] },
      certificates: [{ name: 'c', cert: write('leaf.pem', leaf.pem), key: write('leaf.key', leaf.keyPem), pool: [write('pool.pem', intByOld.pem + intByNew.pem)] }],
      listeners: [{ name: 'l', listen: '127.0.0.1:0', backend: `127.0.0.1:${backendPort}`, certificate: 'c' }],
      reload: { interval: '0s' },
    },
    clock,
  );
  const port = proxy.listeners.get('l')!.port;
  const caFile = write('ca.pem', oldRoot.pem + newRoot.pem);
  const first = await sClient(port, { servername: 'localhost', caFile });
  t.same(first.served, [leaf.certificate.fingerprint, intByOld.certificate.fingerprint], 'preferred old root while it is outside the horizon');

  clock.advance(15 * DAY);
  const result = await proxy.reload('timer');
  t.ok(result.ok);
  const later = await sClient(port, { servername: 'localhost', caFile });
  t.same(later.served, [leaf.certificate.fingerprint, intByNew.certificate.fingerprint], 'the old root is inside the horizon 15 days later');
  t.match(await metrics(), /rechain_chain_selections_total\{certificate="c",result="valid"\} 2/);
});

t.test('connections beyond maxConnections are closed at once and counted', async (t) => {
  const { files } = await simplePki(t.testdir(), Date.now());
  const backend = await listen(t, net.createServer((s) => s.pipe(s)));
  const { proxy, metrics } = await start(t, listenerDoc(files, { backend: `127.0.0.1:${backend}` }, { maxConnections: 2 }));
  const port = proxy.listeners.get('l')!.port;
  const held = [track(t, net.connect(port, '127.0.0.1')), track(t, net.connect(port, '127.0.0.1'))];
  await Promise.all(held.map((s) => once(s, 'connect')));
  const excess = track(t, net.connect(port, '127.0.0.1'));
  await once(excess, 'close');
  t.pass('the third connection was closed');
  t.match(await metrics(), /rechain_handshake_failures_total\{listener="l",reason="max_connections"\} 1/);
  t.match(await metrics(), /rechain_connections_active\{listener="l"\} 2/);
});

t.test('a stalled handshake costs one socket until the handshake timeout; garbage is refused', async (t) => {
  const { files } = await simplePki(t.testdir(), Date.now());
  const { proxy, metrics } = await start(t, listenerDoc(files, { backend: '127.0.0.1:1' }, { handshakeTimeout: '300ms' }));
  const port = proxy.listeners.get('l')!.port;
  const stalled = track(t, net.connect(port, '127.0.0.1'));
  await once(stalled, 'connect');
  stalled.write(Buffer.from([0x16, 0x03, 0x01])); // the first bytes of a ClientHello, then nothing
  await once(stalled, 'close');
  const garbage = track(t, net.connect(port, '127.0.0.1'));
  await once(garbage, 'connect');
  garbage.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
  await once(garbage, 'close');
  const text = await metrics();
  t.match(text, /rechain_handshake_failures_total\{listener="l",reason="timeout"\} 1/);
  t.match(text, /rechain_handshake_failures_total\{listener="l",reason="(protocol_version|other)"\} 1/);
  t.match(text, /rechain_connections_active\{listener="l"\} 0/);
});

t.test('a refused backend is a counted error in TCP mode and a 502 in HTTP mode; a silent one a 504', async (t) => {
  const { root, files } = await simplePki(t.testdir(), Date.now());
  const refused = await closedPort();
  const silent = http.createServer(() => {}); // accepts, never answers
  const silentPort = await listen(t, silent);
  const { proxy, metrics } = await start(t, {
    ...listenerDoc(files, { backend: `127.0.0.1:${refused}` }, { backendTimeout: '300ms' }),
    listeners: [
      { name: 'tcp', listen: '127.0.0.1:0', certificate: 'c', backend: `127.0.0.1:${refused}` },
      { name: 'http', listen: '127.0.0.1:0', certificate: 'c', mode: 'http', backend: `127.0.0.1:${refused}`, routes: [{ names: ['localhost'], backend: `127.0.0.1:${silentPort}` }] },
    ],
  });
  const client = track(t, tls.connect({ port: proxy.listeners.get('tcp')!.port, host: '127.0.0.1', ca: root.pem, servername: 'localhost' }));
  client.on('error', () => {});
  await once(client, 'close');
  t.match(await metrics(), /rechain_backend_errors_total\{listener="tcp",reason="connect_refused"\} 1/);

  const httpPort = proxy.listeners.get('http')!.port;
  // The leaf covers only localhost; another SNI name still reaches the listener's default route.
  const get = (servername: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = tls.connect({ port: httpPort, host: '127.0.0.1', ca: root.pem, servername, checkServerIdentity: () => undefined });
      req.on('error', reject);
      req.write(`GET / HTTP/1.1\r\nHost: ${servername}\r\nConnection: close\r\n\r\n`);
      let data = '';
      req.on('data', (d: Buffer) => (data += d.toString()));
      req.on('end', () => resolve({ status: Number(data.split(' ')[1]), body: data.split('\r\n\r\n')[1] ?? '' }));
    });
  const timedOut = await get('localhost');
  t.equal(timedOut.status, 504, 'the routed backend never answers: 504');
  t.match(await metrics(), /rechain_backend_errors_total\{listener="http",reason="response_timeout"\} 1/);
  const refusedAnswer = await get('elsewhere.test');
  t.equal(refusedAnswer.status, 502, 'the default backend refuses: 502');
  t.match(refusedAnswer.body, /"error":"bad_gateway"/);
  t.match(await metrics(), /rechain_backend_errors_total\{listener="http",reason="connect_refused"\} 1/);
});

t.test('an SNI name no route answers, on a listener without a default backend, closes that connection only', async (t) => {
  const { root, files } = await simplePki(t.testdir(), Date.now());
  const backend = await listen(t, net.createServer((s) => s.pipe(s)));
  const { proxy, metrics } = await start(t, {
    ...listenerDoc(files, {}),
    listeners: [{ name: 'l', listen: '127.0.0.1:0', certificate: 'c', routes: [{ names: ['localhost'], backend: `127.0.0.1:${backend}` }] }],
  });
  const port = proxy.listeners.get('l')!.port;
  for (const servername of ['elsewhere.test', undefined]) {
    const lost = track(t, tls.connect({ port, host: '127.0.0.1', ca: root.pem, ...(servername ? { servername } : {}), checkServerIdentity: () => undefined }));
    lost.on('error', () => {});
    await new Promise((resolve) => lost.once('close', resolve));
  }
  t.match(await metrics(), /rechain_backend_errors_total\{listener="l",reason="no_route"\} 2/);
  const routed = track(t, tls.connect({ port, host: '127.0.0.1', ca: root.pem, servername: 'localhost' }));
  await once(routed, 'secureConnect');
  routed.write('still serving');
  const [echo] = (await once(routed, 'data')) as [Buffer];
  t.equal(echo.toString(), 'still serving', 'the listener still serves routed names');
});

t.test('shutdown stops accepting, lets open connections finish, and closes the rest at the drain deadline', async (t) => {
  const { root, files } = await simplePki(t.testdir(), Date.now());
  const backend = await listen(t, net.createServer((s) => s.pipe(s)));
  const metrics = createMetrics('test');
  const proxy = await startProxy(parseConfig(listenerDoc(files, { backend: `127.0.0.1:${backend}` })), { env: {}, clock: new ManualClock(Date.now()), logger: silentLogger(), metrics });
  const port = proxy.listeners.get('l')!.port;
  const finishing = track(t, tls.connect({ port, host: '127.0.0.1', ca: root.pem, servername: 'localhost' }));
  const lingering = track(t, tls.connect({ port, host: '127.0.0.1', ca: root.pem, servername: 'localhost' }));
  await Promise.all([once(finishing, 'secureConnect'), once(lingering, 'secureConnect')]);
  lingering.on('error', () => {});

  const stopped = proxy.shutdown(500);
  const refused = net.connect(port, '127.0.0.1');
  const [error] = (await once(refused, 'error')) as [NodeJS.ErrnoException];
  t.equal(error.code, 'ECONNREFUSED', 'no new connections once shutdown starts');
  finishing.write('last words');
  const [echo] = (await once(finishing, 'data')) as [Buffer];
  t.equal(echo.toString(), 'last words', 'an open connection keeps working while draining');
  finishing.end();
  const lingeringClosed = new Promise((resolve) => lingering.once('close', resolve));
  await stopped;
  await lingeringClosed;
  t.pass('the connection still open at the deadline was closed, and shutdown returned');
});
