// A real 3-member etcd cluster whose peer traffic goes through rechain: each member's peer port
// is plaintext on loopback behind a `serve` sidecar that requires client certificates, and each
// member's advertised peer URL is a `connect` sidecar that dials that serve sidecar with a
// computed client chain. Clients reach each member over TLS through another serve listener
// (ALPN h2 for gRPC), and `etcdctl endpoint health` must report every member healthy.
import t from 'tap';
import { closedPort } from '../helpers/sockets.js';
import { execFile, spawn } from 'node:child_process';
import { openSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { boundPorts, startRechain } from '../helpers/rechain-process.js';
import { createClusterPki } from '../helpers/cluster-pki.js';

function etcdctl(args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile('etcdctl', args, { timeout: 30_000, env: { ...process.env, ETCDCTL_API: '3' } }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, output: stdout + stderr }),
    );
  });
}

t.test('etcd peers talk through rechain sidecars; etcdctl endpoint health over TLS', async (t) => {
  const dir = t.testdir();
  const names = ['e1', 'e2', 'e3'];
  const pki = await createClusterPki(dir, names, ['e1']);
  const node = (n: string) => pki.nodes.find((x) => x.name === n)!;
  const ports = new Map<string, { peer: number; client: number; advertised: number }>();
  for (const n of names) ports.set(n, { peer: await closedPort(), client: await closedPort(), advertised: await closedPort() });

  // Per member: a serve sidecar in front of its plaintext peer and client ports.
  const peerTls = new Map<string, number>();
  const clientTls = new Map<string, number>();
  for (const n of names) {
    const file = path.join(dir, `serve-${n}.yaml`);
    writeFileSync(
      file,
      stringify({
        trust: { stores: [{ name: 'cluster', sources: [n === 'e3' ? pki.trustNew : pki.trustBoth] }] },
        certificates: [{ name: 'node', cert: node(n).bundle, key: node(n).key, pool: [pki.pool] }],
        listeners: [
          {
            name: 'peer',
            listen: '127.0.0.1:0',
            backend: `127.0.0.1:${ports.get(n)!.peer}`,
            certificate: 'node',
            clientAuth: { mode: 'require', ca: [pki.trustNew], allow: { sans: names.map((m) => node(m).uri) } },
          },
          { name: 'client', listen: '127.0.0.1:0', backend: `127.0.0.1:${ports.get(n)!.client}`, certificate: 'node', alpn: ['h2'] },
        ],
        reload: { interval: '0s' },
      }),
    );
    const serve = startRechain(['serve', '--config', file]);
    t.teardown(() => serve.stop());
    const bound = (await boundPorts(serve)).listeners;
    peerTls.set(n, bound.peer!);
    clientTls.set(n, bound.client!);
  }
  // A member's advertised peer URL: a connect sidecar that reaches its serve sidecar over mTLS.
  for (const n of names) {
    const file = path.join(dir, `connect-${n}.yaml`);
    writeFileSync(
      file,
      stringify({
        trust: { stores: [{ name: 'cluster', sources: [pki.trustNew] }] },
        certificates: [{ name: 'node', cert: node(n).bundle, key: node(n).key, pool: [pki.pool] }],
        connectors: [
          {
            name: `to-${n}`,
            listen: `127.0.0.1:${ports.get(n)!.advertised}`,
            target: `127.0.0.1:${peerTls.get(n)}`,
            servername: node(n).dns,
            certificate: 'node',
            verify: { allow: { sans: [node(n).uri] } },
          },
        ],
        reload: { interval: '0s' },
      }),
    );
    const connect = startRechain(['connect', '--config', file]);
    t.teardown(() => connect.stop());
    await boundPorts(connect);
  }

  const cluster = names.map((n) => `${n}=http://127.0.0.1:${ports.get(n)!.advertised}`).join(',');
  for (const n of names) {
    const p = ports.get(n)!;
    const etcd = spawn(
      'etcd',
      [
        '--name', n,
        '--data-dir', path.join(dir, `data-${n}`),
        '--listen-peer-urls', `http://127.0.0.1:${p.peer}`,
        '--initial-advertise-peer-urls', `http://127.0.0.1:${p.advertised}`,
        '--listen-client-urls', `http://127.0.0.1:${p.client}`,
        '--advertise-client-urls', `https://127.0.0.1:${clientTls.get(n)}`,
        '--initial-cluster', cluster,
        '--initial-cluster-state', 'new',
        '--initial-cluster-token', 'rechain-test',
      ],
      { stdio: ['ignore', 'ignore', openSync(path.join(dir, `etcd-${n}.log`), 'w')] },
    );
    t.teardown(() => {
      etcd.kill('SIGTERM');
    });
  }

  const endpoints = names.map((n) => `https://127.0.0.1:${clientTls.get(n)}`).join(',');
  let health = { code: 1, output: '' };
  for (let attempt = 0; attempt < 20 && health.code !== 0; attempt++) {
    health = await etcdctl(['--endpoints', endpoints, '--cacert', pki.trustNew, '--dial-timeout', '2s', 'endpoint', 'health']);
    if (health.code !== 0) await new Promise((r) => setTimeout(r, 500));
  }
  if (health.code !== 0) t.comment(readFileSync(path.join(dir, 'etcd-e1.log'), 'utf8').split('\n').slice(-40).join('\n'));
  t.equal(health.code, 0, `etcdctl endpoint health: ${health.output}`);
  t.equal((health.output.match(/is healthy/g) ?? []).length, 3, 'all three members are healthy');

  const put = await etcdctl(['--endpoints', `https://127.0.0.1:${clientTls.get('e1')}`, '--cacert', pki.trustNew, 'put', 'rechain', 'replicated']);
  t.equal(put.code, 0, put.output);
  const get = await etcdctl(['--endpoints', `https://127.0.0.1:${clientTls.get('e3')}`, '--cacert', pki.trustNew, 'get', 'rechain', '--print-value-only']);
  t.equal(get.output.trim(), 'replicated', 'a write on e1 is read on e3: peer replication crossed the sidecars');
});
