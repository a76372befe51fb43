// TLS client -> TLS front (node:tls) -> forwardTcp -> plaintext backend, all on 127.0.0.1.
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import net from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import t from 'tap';
import type { Test } from 'tap';
import type { BackendErrorReason } from '../../src/net/backend.js';
import { buildProxyV2Header, proxyHeaderInfo } from '../../src/net/proxy-protocol.js';
import { forwardTcp } from '../../src/net/tcp-forwarder.js';
import type { Direction, TcpForwardOptions, TcpForwardSummary, TcpForwarding } from '../../src/net/tcp-forwarder.js';
import { parseProxyV2 } from '../helpers/proxy-v2-parser.js';
import { closedPort, listen, neverAcceptingPort, readAll, testCertificate, tlsConnect, tlsFront } from '../helpers/sockets.js';

/** What the forwarder reported, with a promise for its one onClose. */
class Recorder {
  readonly backendErrors: BackendErrorReason[] = [];
  readonly bytes: Record<Direction, number> = { client_to_backend: 0, backend_to_client: 0 };
  closes = 0;
  readonly closed: Promise<TcpForwardSummary>;
  #resolve!: (summary: TcpForwardSummary) => void;

  constructor() {
    this.closed = new Promise((resolve) => (this.#resolve = resolve));
  }

  readonly events = {
    onBackendError: (reason: BackendErrorReason) => void this.backendErrors.push(reason),
    onBytes: (direction: Direction, n: number) => void (this.bytes[direction] += n),
    onClose: (summary: TcpForwardSummary) => {
      this.closes += 1;
      this.#resolve(summary);
    },
  };
}

interface Setup {
  readonly recorder: Recorder;
  readonly front: { port: number; ca: string };
  /** The forwarding of the first connection, once the front has accepted it. */
  readonly forwarding: Promise<TcpForwarding>;
}

/** A TLS front that forwards every connection with `options` (events come from the recorder). */
async function frontTo(t: Test, options: Omit<TcpForwardOptions, 'events'>, extra: { proxyHeader?: boolean } = {}): Promise<Setup> {
  const recorder = new Recorder();
  let resolveForwarding!: (f: TcpForwarding) => void;
  const forwarding = new Promise<TcpForwarding>((resolve) => (resolveForwarding = resolve));
  const front = await tlsFront(t, (socket) => {
    const info = extra.proxyHeader ? proxyHeaderInfo(socket) : undefined;
    const header = info ? buildProxyV2Header(info) : options.header;
    resolveForwarding(forwardTcp(socket, { ...options, ...(header && { header }), events: recorder.events }));
  });
  return { recorder, front, forwarding };
}

/** A plain TCP backend; `onSocket` gets each accepted socket. */
async function backend(t: Test, onSocket: (socket: net.Socket) => void): Promise<number> {
  return listen(t, net.createServer({ allowHalfOpen: true }, onSocket));
}

/** Send `data` in 1 MiB slices with backpressure, then end the stream. */
async function sendAll(socket: net.Socket, data: Buffer): Promise<void> {
  const slices = function* () {
    for (let i = 0; i < data.length; i += 1 << 20) yield data.subarray(i, i + (1 << 20));
  };
  await pipeline(Readable.from(slices()), socket);
}

/** Read to the end, hashing as it comes. */
async function hashAll(socket: net.Socket): Promise<{ digest: string; length: number }> {
  const hash = createHash('sha256');
  let length = 0;
  await readAll(socket, (chunk) => {
    hash.update(chunk);
    length += chunk.length;
  });
  return { digest: hash.digest('hex'), length };
}

/** Resolves when the peer has ended or reset `socket` (which is read and discarded meanwhile). */
function gone(socket: net.Socket): Promise<void> {
  socket.on('error', () => {});
  socket.resume();
  return new Promise((resolve) => {
    socket.once('end', resolve);
    socket.once('close', resolve);
  });
}

const digestOf = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

t.test('64 MiB each way at once, through TLS: byte-exact, counted, completed', async (t) => {
  const size = 64 * 1024 * 1024;
  const up = randomBytes(size);
  const down = randomBytes(size);
  let backendResult: Promise<{ digest: string; length: number }> | undefined;
  let backendSent: Promise<void> | undefined;
  const port = await backend(t, (socket) => {
    backendResult = hashAll(socket);
    backendSent = sendAll(socket, down);
  });
  const { recorder, front } = await frontTo(t, { backend: { host: '127.0.0.1', port } });
  const client = await tlsConnect(t, front.port, front.ca);

  const started = performance.now();
  const [clientResult] = await Promise.all([hashAll(client), sendAll(client, up)]);
  const summary = await recorder.closed;
  const seconds = (performance.now() - started) / 1000;
  t.comment(`64 MiB each way in ${seconds.toFixed(2)} s`);

  t.same(await backendResult, { digest: digestOf(up), length: size }, 'the backend received every client byte, in order');
  await backendSent;
  t.same(clientResult, { digest: digestOf(down), length: size }, 'the client received every backend byte, in order');
  t.equal(summary.outcome, 'completed');
  t.equal(summary.bytesClientToBackend, size);
  t.equal(summary.bytesBackendToClient, size);
  t.same(recorder.bytes, { client_to_backend: size, backend_to_client: size }, 'onBytes adds up to the same counts');
  t.equal(recorder.closes, 1);
});

t.test('backpressure: a backend that stops reading stalls the client instead of filling memory', async (t) => {
  const port = await backend(t, (socket) => socket.pause()); // accepts, never reads
  // The idle timeout ends the test: it fires only once nothing moves any more.
  const { recorder, front } = await frontTo(t, { backend: { host: '127.0.0.1', port }, idleTimeoutMs: 300 });
  const client = await tlsConnect(t, front.port, front.ca);
  client.on('error', () => {});
  const size = 64 * 1024 * 1024;
  client.write(randomBytes(size));
  const summary = await recorder.closed;
  t.equal(summary.backendError, 'idle_timeout');
  // What was read is what the kernel buffers and one highWaterMark per socket could take.
  t.ok(summary.bytesClientToBackend < size / 4, `read ${summary.bytesClientToBackend} of ${size} bytes`);
});

t.test('client half-close: the backend sees the end, still answers, and the client gets it', async (t) => {
  const port = await backend(t, async (socket) => {
    const request = await readAll(socket); // completes only on the client's FIN
    socket.end(`answer to ${request.toString()}`);
  });
  const { recorder, front } = await frontTo(t, { backend: { host: '127.0.0.1', port } });
  const client = await tlsConnect(t, front.port, front.ca);
  client.end('question');
  t.equal((await readAll(client)).toString(), 'answer to question');
  const summary = await recorder.closed;
  t.equal(summary.outcome, 'completed');
  t.equal(summary.bytesClientToBackend, 'question'.length);
  t.equal(summary.bytesBackendToClient, 'answer to question'.length);
});

t.test('backend half-close: the client gets close_notify, still sends, and the backend gets it', async (t) => {
  let backendReceived: Promise<Buffer> | undefined;
  const port = await backend(t, (socket) => {
    backendReceived = readAll(socket);
    socket.end('banner'); // the backend is done talking, not listening
  });
  const { recorder, front } = await frontTo(t, { backend: { host: '127.0.0.1', port } });
  const client = await tlsConnect(t, front.port, front.ca);
  client.allowHalfOpen = true; // before its 'end', which waits for the banner to be read
  t.equal((await readAll(client)).toString(), 'banner', 'the client read to the end of the stream');
  t.ok(client.writable, 'the client may still send');
  client.end('late words');
  const summary = await recorder.closed;
  t.equal((await backendReceived)?.toString(), 'late words');
  t.equal(summary.outcome, 'completed');
});

t.test('a client end that came before the backend connected is still passed on', async (t) => {
  let backendReceived: Promise<Buffer> | undefined;
  const port = await backend(t, (socket) => {
    backendReceived = readAll(socket);
    backendReceived.then(() => socket.end(), () => {});
  });
  const recorder = new Recorder();
  // The front forwards only once the client's end has fired (a TLS 1.3 client that closes right
  // after its handshake): the forwarder must not wait for an 'end' that will not come again.
  const front = await tlsFront(t, (socket) => {
    socket.once('end', () => forwardTcp(socket, { backend: { host: '127.0.0.1', port }, events: recorder.events }));
  });
  const client = await tlsConnect(t, front.port, front.ca);
  client.end();
  const summary = await recorder.closed;
  t.equal((await backendReceived)?.length, 0, 'the backend saw an empty stream end');
  t.equal(summary.outcome, 'completed');
});

t.test('the PROXY v2 header arrives first, describing the TLS connection, then the payload', async (t) => {
  let received: Promise<Buffer> | undefined;
  const port = await backend(t, (socket) => {
    received = readAll(socket);
    socket.end();
  });
  const { cert, key } = await testCertificate();
  const recorder = new Recorder();
  const front = await tlsFront(
    t,
    (socket) => {
      // The caller's verdict on the client certificate (here: OpenSSL's, against the test CA).
      const info = proxyHeaderInfo(socket, socket.authorized ? { commonName: 'localhost' } : undefined);
      forwardTcp(socket, { backend: { host: '127.0.0.1', port }, ...(info && { header: buildProxyV2Header(info) }), events: recorder.events });
    },
    // The test certificate is its own CA and carries clientAuth: it serves as the client's too.
    { ALPNProtocols: ['h2', 'http/1.1'], requestCert: true, ca: cert },
  );
  const client = await tlsConnect(t, front.port, front.ca, { ALPNProtocols: ['h2'], cert, key });
  client.end('payload after the header');
  await recorder.closed;
  const data = await received!;
  const header = parseProxyV2(data);
  t.equal(header.command, 'PROXY');
  t.equal(header.family, 'TCP4');
  t.same(header.source, { address: '127.0.0.1', port: client.localPort });
  t.same(header.destination, { address: '127.0.0.1', port: front.port });
  t.equal(header.alpn, 'h2');
  t.equal(header.authority, 'localhost');
  t.equal(header.ssl?.client, 0x07, 'TLS, certificate on this connection and in its session');
  t.equal(header.ssl?.verify, 0, 'the certificate was verified');
  t.equal(header.ssl?.sub.get(0x21), client.getProtocol());
  t.equal(header.ssl?.sub.get(0x22), 'localhost');
  t.equal(data.subarray(header.headerLength).toString(), 'payload after the header');
});

t.test('connect refused is reported as connect_refused and closes the client', async (t) => {
  const { recorder, front } = await frontTo(t, { backend: { host: '127.0.0.1', port: await closedPort() } });
  const client = await tlsConnect(t, front.port, front.ca);
  client.on('error', () => {}); // the front may reset rather than close
  const [summary] = await Promise.all([recorder.closed, once(client, 'close')]);
  t.equal(summary.outcome, 'backend_error');
  t.equal(summary.backendError, 'connect_refused');
  t.same(recorder.backendErrors, ['connect_refused']);
});

t.test('a backend that never accepts is reported as connect_timeout after the injected timeout', async (t) => {
  const port = await neverAcceptingPort(t);
  const { recorder, front } = await frontTo(t, { backend: { host: '127.0.0.1', port }, connectTimeoutMs: 200 });
  const client = await tlsConnect(t, front.port, front.ca);
  client.write('waits unread until the backend connects');
  client.on('error', () => {});
  const [summary] = await Promise.all([recorder.closed, once(client, 'close')]);
  t.equal(summary.backendError, 'connect_timeout');
  t.equal(summary.bytesClientToBackend, 0, 'nothing was read from the client');
  t.same(recorder.backendErrors, ['connect_timeout']);
});

t.test('an idle pair is closed after the idle timeout, as idle_timeout', async (t) => {
  const port = await backend(t, () => {});
  const { recorder, front } = await frontTo(t, { backend: { host: '127.0.0.1', port }, idleTimeoutMs: 150 });
  const client = await tlsConnect(t, front.port, front.ca);
  client.write('one message, then silence');
  client.on('error', () => {});
  const summary = await recorder.closed;
  t.equal(summary.outcome, 'backend_error');
  t.equal(summary.backendError, 'idle_timeout');
  t.equal(summary.bytesClientToBackend, 'one message, then silence'.length);
});

t.test('a backend reset mid-stream is reported as reset', async (t) => {
  const port = await backend(t, (socket) => {
    socket.once('data', () => socket.resetAndDestroy());
  });
  const { recorder, front } = await frontTo(t, { backend: { host: '127.0.0.1', port } });
  const client = await tlsConnect(t, front.port, front.ca);
  client.on('error', () => {});
  client.write('hello');
  const summary = await recorder.closed;
  t.equal(summary.outcome, 'backend_error');
  t.equal(summary.backendError, 'reset');
});

t.test('a client reset tears down the backend connection; no backend error is reported', async (t) => {
  let backendClosed: Promise<unknown> | undefined;
  const port = await backend(t, (socket) => {
    backendClosed = gone(socket);
    socket.write('ready');
  });
  const { recorder, front } = await frontTo(t, { backend: { host: '127.0.0.1', port } });
  // Reset the TCP connection under the TLS client (a TLSSocket has no TCP handle of its own),
  // once the pair is relaying.
  const tcp = net.connect(front.port, '127.0.0.1');
  const client = await tlsConnect(t, front.port, front.ca, { socket: tcp });
  await once(client, 'data');
  tcp.resetAndDestroy();
  const summary = await recorder.closed;
  t.equal(summary.outcome, 'client_error');
  t.equal((summary.error as NodeJS.ErrnoException | undefined)?.code, 'ECONNRESET');
  t.same(recorder.backendErrors, []);
  await backendClosed;
});

t.test('a client socket destroyed under the forwarder (no error) ends the pair as client_error', async (t) => {
  let backendClosed: Promise<unknown> | undefined;
  const port = await backend(t, (socket) => {
    backendClosed = gone(socket);
    socket.write('ready');
  });
  let frontSocket: net.Socket | undefined;
  const recorder = new Recorder();
  const front = await tlsFront(t, (socket) => {
    frontSocket = socket;
    forwardTcp(socket, { backend: { host: '127.0.0.1', port }, events: recorder.events });
  });
  const client = await tlsConnect(t, front.port, front.ca);
  await once(client, 'data');
  frontSocket?.destroy(); // what a listener's drain deadline does
  const summary = await recorder.closed;
  t.equal(summary.outcome, 'client_error');
  t.equal(summary.error, undefined);
  await backendClosed;
});

t.test('a client socket handed over already destroyed is reported once, as client_error', async (t) => {
  const port = await backend(t, () => {});
  const recorder = new Recorder();
  const front = await tlsFront(t, (socket) => {
    socket.destroy();
    forwardTcp(socket, { backend: { host: '127.0.0.1', port }, events: recorder.events });
  });
  const client = await tlsConnect(t, front.port, front.ca);
  client.on('error', () => {});
  const summary = await recorder.closed;
  t.equal(summary.outcome, 'client_error');
  t.equal(summary.bytesClientToBackend + summary.bytesBackendToClient, 0);
  t.equal(recorder.closes, 1);
});

t.test('close() tears both sides down once, reported as closed', async (t) => {
  let backendClosed: Promise<unknown> | undefined;
  const port = await backend(t, (socket) => {
    backendClosed = gone(socket);
    socket.write('ready');
  });
  const { recorder, front, forwarding } = await frontTo(t, { backend: { host: '127.0.0.1', port } });
  const client = await tlsConnect(t, front.port, front.ca);
  await once(client, 'data'); // the pair is relaying
  (await forwarding).close();
  (await forwarding).close();
  const summary = await recorder.closed;
  await Promise.all([backendClosed, once(client, 'close')]);
  t.equal(summary.outcome, 'closed');
  t.equal(recorder.closes, 1);
});
