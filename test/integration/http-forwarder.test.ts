// HTTPS client -> TLS front (node:tls) -> http.Server + attachHttpForwarder -> plaintext HTTP
// backend, all on 127.0.0.1.
import { once } from 'node:events';
import http from 'node:http';
import https from 'node:https';
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type net from 'node:net';
import type { TLSSocket } from 'node:tls';
import t from 'tap';
import type { Test } from 'tap';
import type { BackendErrorReason } from '../../src/net/backend.js';
import { attachHttpForwarder } from '../../src/net/http-forwarder.js';
import type { HttpForwarderOptions } from '../../src/net/http-forwarder.js';
import { closedPort, listen, neverAcceptingPort, readAll, readUntil, tlsConnect, tlsFront } from '../helpers/sockets.js';

interface Front {
  readonly port: number;
  readonly ca: string;
  readonly backendErrors: BackendErrorReason[];
}

/** The TLS front: handshaken sockets go into an http.Server served by the forwarder. */
async function front(t: Test, options: Omit<HttpForwarderOptions, 'events'>): Promise<Front> {
  const backendErrors: BackendErrorReason[] = [];
  const httpServer = http.createServer();
  const forwarder = attachHttpForwarder(httpServer, { ...options, events: { onBackendError: (r) => void backendErrors.push(r) } });
  t.teardown(() => forwarder.close());
  const tls = await tlsFront(t, (socket) => httpServer.emit('connection', socket));
  return { ...tls, backendErrors };
}

const to = (port: number) => () => ({ host: '127.0.0.1', port });

/** A backend answering every request with what it received, as JSON. */
async function echoBackend(t: Test): Promise<{ port: number; connections: () => number }> {
  let connections = 0;
  const server = http.createServer(async (req, res) => {
    const body = (await readAll(req)).toString();
    const echo = JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body, remotePort: req.socket.remotePort });
    res.writeHead(200, { 'content-type': 'application/json', 'keep-alive': 'timeout=5' }).end(echo);
  });
  server.on('connection', () => (connections += 1));
  return { port: await listen(t, server), connections: () => connections };
}

interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** One request on its own TLS connection (no client-side pooling). */
async function request(f: Front, options: https.RequestOptions = {}, body?: string): Promise<Answer> {
  const req = https.request({ host: '127.0.0.1', port: f.port, ca: f.ca, servername: 'localhost', agent: false, path: '/', ...options });
  if ((options.headers as OutgoingHttpHeaders | undefined)?.expect) await once(req, 'continue');
  req.end(body);
  const [res] = (await once(req, 'response')) as [IncomingMessage];
  return { status: res.statusCode ?? 0, headers: res.headers, body: (await readAll(res)).toString() };
}

interface Echo {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly remotePort: number;
  /** The response headers the client got. */
  readonly responseHeaders: IncomingHttpHeaders;
}

async function echoed(f: Front, options: https.RequestOptions = {}, body?: string): Promise<Echo> {
  const answer = await request(f, options, body);
  if (answer.status !== 200) throw new Error(`status ${answer.status}: ${answer.body}`);
  return { ...(JSON.parse(answer.body) as Omit<Echo, 'responseHeaders'>), responseHeaders: answer.headers };
}

t.test('forwarded headers: XFF appended, XFP and XFH replaced, Host preserved, client XFCC removed', async (t) => {
  const backend = await echoBackend(t);
  const f = await front(t, { resolveBackend: to(backend.port), clientCertHeader: () => undefined });
  const { headers } = await echoed(f, {
    headers: {
      host: 'app.example:8443',
      'x-forwarded-for': '203.0.113.9',
      'x-forwarded-proto': 'http',
      'x-forwarded-host': 'evil.example',
      'x-forwarded-client-cert': 'Hash=forged;Subject="CN=admin"',
      x_forwarded_client_cert: 'Hash=forged', // CGI-style backends read this as the same header
    },
  });
  t.equal(headers['x-forwarded-for'], '203.0.113.9, 127.0.0.1');
  t.equal(headers['x-forwarded-proto'], 'https');
  t.equal(headers['x-forwarded-host'], 'app.example:8443');
  t.equal(headers.host, 'app.example:8443');
  t.notOk('x-forwarded-client-cert' in headers);
  t.notOk('x_forwarded_client_cert' in headers);
  t.same(f.backendErrors, []);
});

t.test('XFCC is exactly what the caller builds for the request, whatever the client sent', async (t) => {
  const backend = await echoBackend(t);
  const f = await front(t, {
    resolveBackend: to(backend.port),
    clientCertHeader: (req) => `By=spiffe://rechain/test;Subject="CN=${(req.socket as TLSSocket).servername}"`,
  });
  const { headers } = await echoed(f, { headers: { 'x-forwarded-client-cert': 'Hash=forged' } });
  t.equal(headers['x-forwarded-client-cert'], 'By=spiffe://rechain/test;Subject="CN=localhost"');
});

t.test('the backend is resolved per request', async (t) => {
  const a = await echoBackend(t);
  const b = await echoBackend(t);
  const f = await front(t, { resolveBackend: (req) => ({ host: '127.0.0.1', port: req.url === '/b' ? b.port : a.port }) });
  await echoed(f, { path: '/a' });
  await echoed(f, { path: '/b' });
  t.equal(a.connections(), 1);
  t.equal(b.connections(), 1);
});

t.test('backend connections are kept alive and reused across client connections', async (t) => {
  const backend = await echoBackend(t);
  const f = await front(t, { resolveBackend: to(backend.port) });
  // Each client connection asks to be closed after its request (`agent: false`), and lists a
  // header of its own as hop-by-hop: neither may reach the pooled backend connection.
  const first = await echoed(f, { headers: { connection: 'close, x-hop', 'x-hop': 'for the front only' } });
  const second = await echoed(f);
  t.equal(backend.connections(), 1, 'one backend connection for two requests');
  t.equal(second.remotePort, first.remotePort);
  t.notMatch(first.headers.connection ?? '', /close/, 'the backend connection is not asked to close');
  t.notOk('x-hop' in first.headers);
  t.match(first.responseHeaders.connection, /\bclose\b/, "the client's own Connection is honoured");
  t.notOk('keep-alive' in first.responseHeaders, "the backend's Keep-Alive hint stays on the backend hop");
});

t.test('Expect: 100-continue is answered by the front; the body follows to the backend', async (t) => {
  const backend = await echoBackend(t);
  const f = await front(t, { resolveBackend: to(backend.port), responseTimeoutMs: 5_000 });
  const echo = await echoed(f, { method: 'POST', headers: { expect: '100-continue', 'content-length': '4' } }, 'body');
  t.equal(echo.body, 'body');
  t.notOk('expect' in echo.headers);
});

t.test('WebSocket upgrade: 101 passed back, then bytes both ways, with forwarded headers', async (t) => {
  let upgradeHeaders: IncomingHttpHeaders | undefined;
  const server = http.createServer();
  server.on('upgrade', (req: IncomingMessage, socket: net.Socket) => {
    upgradeHeaders = req.headers;
    socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
    socket.pipe(socket); // echo, ending when the client ends
  });
  const port = await listen(t, server);
  const f = await front(t, { resolveBackend: to(port) });
  const client = await tlsConnect(t, f.port, f.ca);
  client.write(
    'GET /chat HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
  );
  const head = (await readUntil(client, (b) => b.includes('\r\n\r\n'))).toString('latin1');
  t.match(head, /^HTTP\/1\.1 101 Switching Protocols\r\n/);
  t.match(head, /\r\nupgrade: websocket\r\n/i);
  const frame = Buffer.from([0x81, 0x04, ...Buffer.from('ping')]);
  client.write(frame);
  t.same(await readUntil(client, (b) => b.length >= frame.length), frame, 'echoed through the upgraded pair');
  t.equal(upgradeHeaders?.['x-forwarded-for'], '127.0.0.1');
  t.equal(upgradeHeaders?.['x-forwarded-proto'], 'https');
  client.end();
  await once(client, 'close');
  t.same(f.backendErrors, []);
});

t.test('a refused backend: 502 with a short JSON body, reported as connect_refused', async (t) => {
  const f = await front(t, { resolveBackend: to(await closedPort()) });
  const answer = await request(f);
  t.equal(answer.status, 502);
  t.equal(answer.headers['content-type'], 'application/json');
  t.same(JSON.parse(answer.body), { error: 'bad_gateway', message: 'the backend refused the connection' });
  t.same(f.backendErrors, ['connect_refused']);
});

t.test('a WebSocket upgrade to a refused backend gets the 502 written on its socket', async (t) => {
  const f = await front(t, { resolveBackend: to(await closedPort()) });
  const client = await tlsConnect(t, f.port, f.ca);
  client.write('GET /chat HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
  const answer = (await readAll(client)).toString('latin1');
  t.match(answer, /^HTTP\/1\.1 502 Bad Gateway\r\n/);
  t.match(answer, /\r\n\r\n\{"error":"bad_gateway",/);
  t.same(f.backendErrors, ['connect_refused']);
});

t.test('a request that cannot be sent (an invalid header value) gets 502 and is reported as other', async (t) => {
  const backend = await echoBackend(t);
  const f = await front(t, { resolveBackend: to(backend.port), clientCertHeader: () => 'Subject="CN=\u65e5\u672c"' });
  const answer = await request(f);
  t.equal(answer.status, 502);
  t.same(f.backendErrors, ['other']);
  t.equal(backend.connections(), 0);
});

t.test('an upgrade whose backend cannot be resolved gets a raw 502 and is reported as other', async (t) => {
  const f = await front(t, {
    resolveBackend: () => {
      throw new Error('no route');
    },
  });
  const client = await tlsConnect(t, f.port, f.ca);
  client.write('GET /chat HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
  t.match((await readAll(client)).toString('latin1'), /^HTTP\/1\.1 502 Bad Gateway\r\n/);
  t.same(f.backendErrors, ['other']);
});

t.test('a backend that never answers: 504 after the injected response timeout', async (t) => {
  const port = await listen(t, http.createServer(() => {}));
  const f = await front(t, { resolveBackend: to(port), responseTimeoutMs: 150 });
  const answer = await request(f);
  t.equal(answer.status, 504);
  t.same(JSON.parse(answer.body), { error: 'gateway_timeout', message: 'the backend did not respond in time' });
  t.same(f.backendErrors, ['response_timeout']);
});

t.test('a backend that never accepts: 504 after the injected connect timeout', async (t) => {
  const f = await front(t, { resolveBackend: to(await neverAcceptingPort(t)), connectTimeoutMs: 150 });
  const answer = await request(f);
  t.equal(answer.status, 504);
  t.equal(JSON.parse(answer.body).error, 'gateway_timeout');
  t.same(f.backendErrors, ['connect_timeout']);
});

t.test('a backend reset mid-response cuts the client response, reported as reset', async (t) => {
  const server = http.createServer((req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(200, { 'content-length': '1000' });
    res.write('only part of it', () => req.socket.destroy());
  });
  const f = await front(t, { resolveBackend: to(await listen(t, server)) });
  const req = https.request({ host: '127.0.0.1', port: f.port, ca: f.ca, servername: 'localhost', agent: false });
  req.on('error', () => {});
  req.end();
  const [res] = (await once(req, 'response')) as [IncomingMessage];
  res.on('error', () => {}); // 'aborted': what the test expects
  res.resume();
  await new Promise((resolve) => res.once('close', resolve));
  t.notOk(res.complete, 'the client sees an incomplete response, not a hang');
  t.same(f.backendErrors, ['reset']);
});

t.test('a client that leaves mid-request frees the backend connection and is not a backend error', async (t) => {
  let backendRequest: ((req: IncomingMessage) => void) | undefined;
  const arrived = new Promise<IncomingMessage>((resolve) => (backendRequest = resolve));
  const backend = await echoBackend(t);
  const server = http.createServer((req) => backendRequest?.(req)); // holds the request, never answers
  const port = await listen(t, server);
  const f = await front(t, { resolveBackend: (req) => ({ host: '127.0.0.1', port: req.url === '/hold' ? port : backend.port }) });
  const req = https.request({ host: '127.0.0.1', port: f.port, ca: f.ca, servername: 'localhost', agent: false, path: '/hold' });
  req.on('error', () => {});
  req.end();
  const held = await arrived;
  req.destroy();
  await once(held.socket, 'close');
  t.pass('the backend connection was closed');
  t.same(f.backendErrors, []);
  t.equal((await request(f)).status, 200, 'the forwarder still serves');
});
