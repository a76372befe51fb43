// Session resumption with peer verification: a resumed session carries at most the peer's
// leaf, so rechain resumes only what it verified in full. A client resuming its session keeps
// its verified identity; a connector resumes its session to the target and still relays.
import t from 'tap';
import http from 'node:http';
import net from 'node:net';
import tls from 'node:tls';
import { once } from 'node:events';
import { issue } from '../../src/pki/generate.js';
import { startTestProxy } from '../helpers/proxy.js';
import { listen, track } from '../helpers/sockets.js';
import { write as writeFile } from '../helpers/pki-files.js';

const DAY = 86_400_000;
const now = Date.now();
const valid = { notBefore: new Date(now - DAY), notAfter: new Date(now + 90 * DAY) };
// TLS 1.2 hands the session over within the handshake, so resumption is deterministic.
const tls12 = { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' } as const;

function files(dir: string) {
  return (name: string, content: string): string => writeFile(dir, name, content);
}

t.test('a client that resumes its session keeps its verified identity', async (t) => {
  const write = files(t.testdir());
  const root = await issue({ subject: 'Root', ca: true, ...valid });
  const int = await issue({ subject: 'Issuing CA', ca: true, issuer: root, ...valid });
  const server = await issue({ subject: 'db', issuer: int, names: ['db.test'], ...valid });
  const client = await issue({ subject: 'node-a', issuer: int, names: ['spiffe://cluster.test/node/a'], ...valid });
  const backendPort = await listen(t, http.createServer((req, res) => res.end(String(req.headers['x-forwarded-client-cert'] ?? ''))));
  const { proxy } = await startTestProxy(t, {
    trust: { stores: [{ name: 's', sources: [write('root.pem', root.pem)] }] },
    certificates: [{ name: 'db', cert: write('db.pem', server.pem + int.pem), key: write('db.key', server.keyPem) }],
    listeners: [
      {
        name: 'db', listen: '127.0.0.1:0', mode: 'http', backend: `127.0.0.1:${backendPort}`, certificate: 'db', tls: tls12,
        clientAuth: { mode: 'require', ca: [write('ca.pem', root.pem)] }, forwardClientCert: { enabled: true },
      },
    ],
  });
  const port = proxy.listeners.get('db')!.port;
  let session: Buffer | undefined;
  const results: { reused: boolean; body: string }[] = [];
  for (let i = 0; i < 3; i++) {
    // A reload with unchanged trust (the hourly recompute) must not spoil cached sessions.
    if (i === 2) t.ok((await proxy.reload('timer')).ok);
    const socket = tls.connect({ host: '127.0.0.1', port, ca: root.pem, servername: 'db.test', cert: client.pem + int.pem, key: client.keyPem, ...(session ? { session } : {}) });
    socket.on('session', (s: Buffer) => (session = s));
    await once(socket, 'secureConnect');
    socket.write('GET / HTTP/1.1\r\nHost: db.test\r\nConnection: close\r\n\r\n');
    let data = '';
    socket.on('data', (d: Buffer) => (data += d.toString()));
    await once(socket, 'end');
    results.push({ reused: socket.isSessionReused(), body: data.split('\r\n\r\n')[1] ?? '' });
    socket.destroy();
  }
  t.equal(results[0]!.reused, false);
  t.equal(results[1]!.reused, true, 'the second connection resumed');
  t.equal(results[2]!.reused, true, 'and the third, after a reload that changed nothing');
  const expected = `Hash=${client.certificate.fingerprint};Subject="CN=node-a";URI=spiffe://cluster.test/node/a`;
  t.same(results.map((r) => r.body), [expected, expected, expected], 'every request carries the verified identity');
});

t.test('a connector resumes its session to the target, and still relays', async (t) => {
  const write = files(t.testdir());
  const root = await issue({ subject: 'Root', ca: true, ...valid });
  const target = await issue({ subject: 'db', issuer: root, names: ['db.test'], ...valid });
  const resumed: boolean[] = [];
  const server = tls.createServer({ cert: target.pem, key: target.keyPem, ...tls12 }, (s) => {
    resumed.push(s.isSessionReused());
    s.on('error', () => {});
    s.pipe(s);
  });
  const targetPort = await listen(t, server);
  const { proxy } = await startTestProxy(t, {
    trust: { stores: [{ name: 's', sources: [write('root.pem', root.pem)] }] },
    connectors: [{ name: 'to-db', listen: '127.0.0.1:0', target: `127.0.0.1:${targetPort}`, servername: 'db.test', tls: tls12 }],
  });
  const port = proxy.listeners.get('to-db')!.port;
  for (const text of ['first', 'second']) {
    const socket = track(t, net.connect(port, '127.0.0.1'));
    socket.write(text);
    const [echo] = (await once(socket, 'data')) as [Buffer];
    t.equal(echo.toString(), text, `${text} connection relays`);
    socket.end();
    await once(socket, 'close');
  }
  t.same(resumed, [false, true], 'the second connection resumed the verified session');
});
