// Reload without restarts: the trust file replaced by rename (as update-ca-certificates and
// editors do) switches the served chain while an open connection keeps working; a Kubernetes
// `..data` swap rotates certificate and key; a garbage file keeps the last good chain and is
// counted; SIGHUP forces a reload.
import t from 'tap';
import net from 'node:net';
import { mkdirSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createIncidentPki, writeIncidentFiles } from '../../src/demo/incident-pki.js';
import { issue } from '../../src/pki/generate.js';
import { listen, track } from '../helpers/sockets.js';
import { boundPorts, startRechain, type RechainProcess } from '../helpers/rechain-process.js';
import { nodeConnect, sClient } from '../helpers/tls-clients.js';

function echoBackend(): net.Server {
  return net.createServer((socket) => socket.pipe(socket));
}

async function echo(socket: net.Socket, text: string): Promise<string> {
  socket.write(text);
  const [chunk] = (await new Promise((resolve) => socket.once('data', (d) => resolve([d])))) as [Buffer];
  return chunk.toString();
}

function reloaded(p: RechainProcess, after: number, trigger: string) {
  return p.waitFor((e) => e.event === 'reload' && e.trigger === trigger && Number(e.generation) > after, `reload after generation ${after}`);
}

/** Replace a file the way update-ca-certificates and editors do: write aside, rename over. */
function replaceByRename(file: string, content: string): void {
  writeFileSync(`${file}.tmp`, content);
  renameSync(`${file}.tmp`, file);
}

t.test('the trust file replaced while running switches the chain; open connections keep going', async (t) => {
  const dir = t.testdir();
  // DST is still valid for 60 days: both R3s are valid, the store decides which is served.
  const pki = await createIncidentPki({ now: Date.now(), oldRootDays: 60 });
  const files = await writeIncidentFiles(pki, dir);
  const trust = path.join(dir, 'trust.pem');
  writeFileSync(trust, pki.oldRoot.pem);
  const backendPort = await listen(t, echoBackend());
  const rechain = startRechain(['serve', '--listen', '127.0.0.1:0', '--backend', `127.0.0.1:${backendPort}`, '--cert', files.staleBundle, '--key', files.key, '--pool', files.pool, '--trust', trust, '--admin', '127.0.0.1:0']);
  t.teardown(() => rechain.stop());
  const { listeners, admin } = await boundPorts(rechain);
  const port = listeners.default!;

  const before = await sClient(port, { servername: 'localhost', caFile: files.trustOld });
  t.ok(before.verified);
  t.same(before.served, [pki.leaf.certificate.fingerprint, pki.r3ByOldRoot.certificate.fingerprint], 'trusting DST: the configured bundle');
  const open = track(t, await nodeConnect(port, { ca: pki.oldRoot.pem, servername: 'localhost' }));
  t.equal(await echo(open, 'before'), 'before');

  replaceByRename(trust, pki.newRoot.pem);
  await reloaded(rechain, 1, 'watch');
  const after = await sClient(port, { servername: 'localhost', caFile: files.trustNew });
  t.ok(after.verified, 'clients of the new root verify after the swap');
  t.same(after.served, [pki.leaf.certificate.fingerprint, pki.r3ByNewRoot.certificate.fingerprint], 'trusting ISRG: leaf + R3 by ISRG');
  t.equal(await echo(open, 'after'), 'after', 'the connection opened before the swap still works');

  // A garbage trust file: the reload fails, the last good chain stays, the failure is counted.
  replaceByRename(trust, 'not a certificate\n');
  const failed = await rechain.waitFor((e) => e.event === 'reload_failed', 'reload_failed');
  t.match(String(failed.error), trust, 'the log names the file');
  const still = await sClient(port, { servername: 'localhost', caFile: files.trustNew });
  t.same(still.served, after.served, 'still serving the last good chain');
  const metrics = await (await fetch(`http://127.0.0.1:${admin}/metrics`)).text();
  t.match(metrics, /rechain_reloads_total\{result="error"\} 1/);
  t.match(metrics, /rechain_reloads_total\{result="success"\} 1/);

  // Fixed again, and SIGHUP forces a reload without any file change.
  replaceByRename(trust, pki.newRoot.pem);
  const fixed = await reloaded(rechain, 1, 'watch');
  rechain.child.kill('SIGHUP');
  await reloaded(rechain, Number(fixed.generation), 'signal');
  t.pass('SIGHUP reloaded');
});

t.test('a Kubernetes ..data swap rotates certificate and key', async (t) => {
  const dir = t.testdir();
  const now = Date.now();
  const day = 86_400_000;
  const root = await issue({ subject: 'Cluster Root', ca: true, notBefore: new Date(now - day), notAfter: new Date(now + 900 * day) });
  const leafV1 = await issue({ subject: 'db-0', issuer: root, names: ['localhost'], notBefore: new Date(now - day), notAfter: new Date(now + 30 * day) });
  const leafV2 = await issue({ subject: 'db-0', issuer: root, names: ['localhost'], notBefore: new Date(now - day), notAfter: new Date(now + 90 * day) });
  // The atomic writer's layout: tls.crt -> ..data/tls.crt, ..data -> ..v1
  const secret = path.join(dir, 'secret');
  mkdirSync(path.join(secret, '..v1'), { recursive: true });
  writeFileSync(path.join(secret, '..v1', 'tls.crt'), leafV1.pem);
  writeFileSync(path.join(secret, '..v1', 'tls.key'), leafV1.keyPem);
  symlinkSync('..v1', path.join(secret, '..data'));
  symlinkSync('..data/tls.crt', path.join(secret, 'tls.crt'));
  symlinkSync('..data/tls.key', path.join(secret, 'tls.key'));
  const trust = path.join(dir, 'root.pem');
  writeFileSync(trust, root.pem);

  const backendPort = await listen(t, echoBackend());
  const rechain = startRechain(['serve', '--listen', '127.0.0.1:0', '--backend', `127.0.0.1:${backendPort}`, '--cert', path.join(secret, 'tls.crt'), '--key', path.join(secret, 'tls.key'), '--trust', trust]);
  t.teardown(() => rechain.stop());
  const port = (await boundPorts(rechain)).listeners.default!;
  t.same((await sClient(port, { servername: 'localhost', caFile: trust })).served, [leafV1.certificate.fingerprint]);

  mkdirSync(path.join(secret, '..v2'));
  writeFileSync(path.join(secret, '..v2', 'tls.crt'), leafV2.pem);
  writeFileSync(path.join(secret, '..v2', 'tls.key'), leafV2.keyPem);
  symlinkSync('..v2', path.join(secret, '..data_tmp'));
  renameSync(path.join(secret, '..data_tmp'), path.join(secret, '..data'));
  await reloaded(rechain, 1, 'watch');
  const rotated = await sClient(port, { servername: 'localhost', caFile: trust });
  t.ok(rotated.verified);
  t.same(rotated.served, [leafV2.certificate.fingerprint], 'the new leaf is served after the swap');
  const stopped = await rechain.stop();
  t.equal(stopped.code, 0);
  const shutdown = rechain.events.find((e) => e.event === 'shutdown');
  t.equal(shutdown?.openConnections, 0, 'TLS 1.3 clients that hung up right after the handshake left no connection open');
});
