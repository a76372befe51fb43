// Each refusal of the peer side, proven: an unknown client CA, an allowed CA with a SAN not on
// the list, an expired client certificate, a bad signature, no certificate, a spoofed XFCC
// header, and a connector whose peer presents a certificate for another name. A refused peer
// never reaches the backend; each refusal is counted with its reason.
import t from 'tap';
import http from 'node:http';
import net from 'node:net';
import tls from 'node:tls';
import { once } from 'node:events';
import { issue, type Issued } from '../../src/pki/generate.js';
import { startTestProxy as start } from '../helpers/proxy.js';
import { listen, track } from '../helpers/sockets.js';
import { write as writeFile } from '../helpers/pki-files.js';
import { parseProxyV2 } from '../helpers/proxy-v2-parser.js';

const DAY = 86_400_000;
const now = Date.now();
const valid = { notBefore: new Date(now - DAY), notAfter: new Date(now + 90 * DAY) };

/** A TLS client with an optional client certificate; resolves with the HTTP status, or 'refused'. */
function request(port: number, ca: string, client: Issued | undefined, headers: Record<string, string> = {}): Promise<{ status: number | 'refused'; body: string }> {
  return new Promise((resolve) => {
    const socket = tls.connect({ host: '127.0.0.1', port, ca, servername: 'db.cluster.test', ...(client ? { cert: client.pem, key: client.keyPem } : {}) });
    let data = '';
    socket.on('data', (d: Buffer) => (data += d.toString()));
    socket.on('error', () => {});
    socket.once('secureConnect', () => {
      const extra = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
      socket.write(`GET / HTTP/1.1\r\nHost: db.cluster.test\r\n${extra}Connection: close\r\n\r\n`);
    });
    socket.once('close', () => {
      const status = Number(/^HTTP\/1\.1 (\d+)/.exec(data)?.[1]);
      resolve({ status: Number.isFinite(status) ? status : 'refused', body: data.split('\r\n\r\n')[1] ?? '' });
    });
  });
}

t.test('client certificate refusals and the identity the backend sees', async (t) => {
  const dir = t.testdir();
  const write = (name: string, content: string) => writeFile(dir, name, content);
  const root = await issue({ subject: 'Cluster Root', ca: true, ...valid });
  const stranger = await issue({ subject: 'Stranger Root', ca: true, ...valid });
  const server = await issue({ subject: 'db', issuer: root, names: ['db.cluster.test'], ...valid });
  const allowed = await issue({ subject: 'node-a', issuer: root, names: ['spiffe://cluster.test/node/a'], ...valid });
  const notListed = await issue({ subject: 'node-x', issuer: root, names: ['spiffe://cluster.test/node/x'], ...valid });
  const expired = await issue({ subject: 'node-a', issuer: root, names: ['spiffe://cluster.test/node/a'], notBefore: new Date(now - 90 * DAY), notAfter: new Date(now - DAY) });
  const unknownCa = await issue({ subject: 'node-a', issuer: stranger, names: ['spiffe://cluster.test/node/a'], ...valid });
  // Names Cluster Root as its issuer, but is signed by the stranger's key.
  const forged = await issue({ subject: 'node-a', issuer: { ...root, key: stranger.key }, names: ['spiffe://cluster.test/node/a'], ...valid });

  let backendRequests = 0;
  const backend = http.createServer((req, res) => {
    backendRequests++;
    res.end(JSON.stringify({ xfcc: req.headers['x-forwarded-client-cert'] ?? null }));
  });
  const backendPort = await listen(t, backend);
  const { proxy, metrics } = await start(t, {
    trust: { stores: [{ name: 'public', sources: [write('root.pem', root.pem)] }] },
    certificates: [{ name: 'db', cert: write('db.pem', server.pem), key: write('db.key', server.keyPem) }],
    listeners: [
      {
        name: 'db',
        listen: '127.0.0.1:0',
        mode: 'http',
        backend: `127.0.0.1:${backendPort}`,
        certificate: 'db',
        clientAuth: { mode: 'require', ca: [write('client-ca.pem', root.pem)], allow: { sans: ['spiffe://cluster.test/node/a'] } },
        forwardClientCert: { enabled: true },
      },
    ],
  });
  const port = proxy.listeners.get('db')!.port;

  const ok = await request(port, root.pem, allowed, { 'X-Forwarded-Client-Cert': 'Hash=spoofed;URI=spiffe://cluster.test/node/admin' });
  t.equal(ok.status, 200, 'an allowed client gets through');
  t.same(JSON.parse(ok.body), { xfcc: `Hash=${allowed.certificate.fingerprint};Subject="CN=node-a";URI=spiffe://cluster.test/node/a` }, 'the spoofed XFCC is replaced by the verified identity');

  const refusals: [string, Issued | undefined, string][] = [
    ['a client certificate from an unknown CA', unknownCa, 'client_cert_rejected'],
    ['an allowed CA, but a SAN not on the list', notListed, 'client_cert_rejected'],
    ['an expired client certificate', expired, 'client_cert_rejected'],
    ['a client certificate with a forged signature', forged, 'client_cert_rejected'],
    ['no client certificate', undefined, 'client_cert_missing'],
  ];
  for (const [what, client] of refusals) {
    const before = backendRequests;
    const r = await request(port, root.pem, client);
    t.equal(r.status, 'refused', `${what}: refused`);
    t.equal(backendRequests, before, `${what}: nothing reached the backend`);
  }
  const text = await metrics();
  t.match(text, /rechain_handshake_failures_total\{listener="db",reason="client_cert_rejected"\} 4/);
  t.match(text, /rechain_handshake_failures_total\{listener="db",reason="client_cert_missing"\} 1/);
});

t.test('a connector refuses a peer whose certificate is for another name, before forwarding a byte', async (t) => {
  const dir = t.testdir();
  const write = (name: string, content: string) => writeFile(dir, name, content);
  const root = await issue({ subject: 'Cluster Root', ca: true, ...valid });
  const wrongName = await issue({ subject: 'other', issuer: root, names: ['other.cluster.test'], ...valid });
  let received = 0;
  const peer = tls.createServer({ cert: wrongName.pem, key: wrongName.keyPem }, (s) => {
    s.on('data', (d: Buffer) => (received += d.length));
    s.on('error', () => {});
  });
  const peerPort = await listen(t, peer);
  const { proxy, metrics } = await start(t, {
    trust: { stores: [{ name: 'cluster', sources: [write('root.pem', root.pem)] }] },
    connectors: [{ name: 'to-db', listen: '127.0.0.1:0', target: `127.0.0.1:${peerPort}`, servername: 'db.cluster.test' }],
  });
  const client = track(t, net.connect(proxy.listeners.get('to-db')!.port, '127.0.0.1'));
  client.on('error', () => {}); // refused with the client's bytes unread: a reset
  await once(client, 'connect');
  client.write('SECRET QUERY\r\n');
  await new Promise((resolve) => client.once('close', resolve));
  t.equal(received, 0, 'the peer received none of the client bytes');
  t.match(await metrics(), /rechain_handshake_failures_total\{listener="to-db",reason="peer_cert_rejected"\} 1/);
});

t.test('TCP mode with PROXY protocol: the backend learns the client address and its verified certificate', async (t) => {
  const dir = t.testdir();
  const write = (name: string, content: string) => writeFile(dir, name, content);
  const root = await issue({ subject: 'Cluster Root', ca: true, ...valid });
  const server = await issue({ subject: 'db', issuer: root, names: ['db.cluster.test'], ...valid });
  const client = await issue({ subject: 'node-a', issuer: root, names: ['spiffe://cluster.test/node/a'], ...valid });
  const received: Buffer[] = [];
  let gotPing: () => void = () => {};
  const gotAll = new Promise<void>((resolve) => (gotPing = resolve));
  const backend = net.createServer((s) => {
    s.on('data', (d: Buffer) => {
      received.push(d);
      if (Buffer.concat(received).includes('PING')) gotPing();
    });
  });
  const backendPort = await listen(t, backend);
  const { proxy } = await start(t, {
    trust: { stores: [{ name: 'cluster', sources: [write('root.pem', root.pem)] }] },
    certificates: [{ name: 'db', cert: write('db.pem', server.pem), key: write('db.key', server.keyPem) }],
    listeners: [
      {
        name: 'db', listen: '127.0.0.1:0', backend: `127.0.0.1:${backendPort}`, certificate: 'db', proxyProtocol: true, alpn: ['redis'],
        clientAuth: { mode: 'require', ca: [write('ca.pem', root.pem)] },
      },
    ],
  });
  const socket = track(t, tls.connect({ host: '127.0.0.1', port: proxy.listeners.get('db')!.port, ca: root.pem, servername: 'db.cluster.test', cert: client.pem, key: client.keyPem, ALPNProtocols: ['redis'] }));
  await once(socket, 'secureConnect');
  socket.write('PING');
  await gotAll;
  const header = parseProxyV2(Buffer.concat(received));
  t.equal(header.family, 'TCP4');
  t.equal(header.source?.address, '127.0.0.1');
  t.equal(header.source?.port, socket.localPort, "the client's own port");
  t.equal(header.authority, 'db.cluster.test', 'SNI');
  t.equal(header.alpn, 'redis', 'ALPN');
  t.equal(header.ssl?.verify, 0, 'the client certificate was verified');
  t.equal(header.ssl?.sub.get(0x22), 'node-a', 'its common name');
  t.equal(Buffer.concat(received).subarray(header.headerLength).toString(), 'PING', 'then the client bytes');
});
