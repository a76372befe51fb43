// Three database nodes on loopback, each with a `serve` sidecar (client certificates required)
// and a `connect` sidecar to the other two. Node a has the 2021 stale cache (its bundle holds
// R3 by DST Root CA X3); node c trusts only ISRG Root X1. Every cross-node call must succeed,
// and each backend must see exactly the caller's verified identity in X-Forwarded-Client-Cert.
import t from 'tap';
import http from 'node:http';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { listen } from '../helpers/sockets.js';
import { boundPorts, startRechain } from '../helpers/rechain-process.js';
import { createClusterPki, expectedXfcc, type ClusterNode } from '../helpers/cluster-pki.js';

interface Seen {
  node: string;
  xfcc: string | null;
}

/** A node's database stand-in: answers /whoami, and /call/<peer> through its connect sidecar. */
function backend(name: string, peers: Map<string, number>): http.Server {
  return http.createServer((req, res) => {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.url === '/whoami') return reply(200, { node: name, xfcc: String(req.headers['x-forwarded-client-cert'] ?? '') || null } satisfies Seen);
    const peer = /^\/call\/(\w+)$/.exec(req.url ?? '')?.[1];
    const port = peer ? peers.get(peer) : undefined;
    if (!port) return reply(404, { error: 'no such peer' });
    http
      .get({ host: '127.0.0.1', port, path: '/whoami', headers: { host: `${peer}.cluster.test` } }, (peerRes) => {
        let body = '';
        peerRes.on('data', (c: Buffer) => (body += c.toString()));
        peerRes.on('end', () => reply(peerRes.statusCode ?? 502, JSON.parse(body || '{}')));
      })
      .on('error', (e) => reply(502, { error: e.message }));
  });
}

t.test('a three-node cluster with a stale node and a new-root-only node: every call succeeds with verified identities', async (t) => {
  const dir = t.testdir();
  const names = ['a', 'b', 'c'];
  const pki = await createClusterPki(dir, names, ['a']);
  const trustOf = (n: string) => (n === 'c' ? pki.trustNew : pki.trustBoth);
  const node = (n: string): ClusterNode => pki.nodes.find((x) => x.name === n)!;
  const connectPorts = new Map(names.map((n) => [n, new Map<string, number>()]));
  const backendPorts = new Map<string, number>();
  for (const n of names) backendPorts.set(n, await listen(t, backend(n, connectPorts.get(n)!)));

  const common = (n: string) => ({
    trust: { stores: [{ name: 'cluster', sources: [trustOf(n)] }] },
    certificates: [{ name: 'node', cert: node(n).bundle, key: node(n).key, pool: [pki.pool], names: [node(n).dns] }],
    reload: { interval: '0s' },
  });
  const servePorts = new Map<string, number>();
  for (const n of names) {
    const file = path.join(dir, `serve-${n}.yaml`);
    writeFileSync(
      file,
      stringify({
        ...common(n),
        listeners: [
          {
            name: 'peers',
            listen: '127.0.0.1:0',
            mode: 'http',
            backend: `127.0.0.1:${backendPorts.get(n)}`,
            certificate: 'node',
            clientAuth: { mode: 'require', ca: [trustOf(n)], allow: { sans: names.map((p) => node(p).uri) } },
            forwardClientCert: { enabled: true },
          },
        ],
      }),
    );
    const serve = startRechain(['serve', '--config', file]);
    t.teardown(() => serve.stop());
    servePorts.set(n, (await boundPorts(serve)).listeners.peers!);
  }
  for (const n of names) {
    const file = path.join(dir, `connect-${n}.yaml`);
    const peers = names.filter((p) => p !== n);
    writeFileSync(
      file,
      stringify({
        ...common(n),
        connectors: peers.map((p) => ({
          name: `to-${p}`,
          listen: '127.0.0.1:0',
          target: `127.0.0.1:${servePorts.get(p)}`,
          servername: node(p).dns,
          certificate: 'node',
          verify: { allow: { sans: [node(p).uri] } },
        })),
      }),
    );
    const connect = startRechain(['connect', '--config', file]);
    t.teardown(() => connect.stop());
    const bound = (await boundPorts(connect)).listeners;
    for (const p of peers) connectPorts.get(n)!.set(p, bound[`to-${p}`]!);
  }

  for (const from of names) {
    for (const to of names.filter((p) => p !== from)) {
      const res = await fetch(`http://127.0.0.1:${backendPorts.get(from)}/call/${to}`);
      const seen = (await res.json()) as Seen;
      t.equal(res.status, 200, `${from} -> ${to} succeeds`);
      t.equal(seen.node, to, `${from} -> ${to} reached ${to}'s backend`);
      t.equal(seen.xfcc, expectedXfcc(node(from)), `${to}'s backend sees exactly ${from}'s verified identity`);
    }
  }
});
