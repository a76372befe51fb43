// Real sockets on 127.0.0.1 for the forwarder tests: a TLS front end with a fresh certificate,
// servers that close everything they accepted at teardown, a listener that never accepts, and
// small awaitable events. Nothing here sleeps: every wait is for an event.
import { once } from 'node:events';
import net from 'node:net';
import tls from 'node:tls';
import { Worker } from 'node:worker_threads';
import type { Test } from 'tap';
import { issue } from '../../src/pki/generate.js';

export interface TestCertificate {
  readonly cert: string;
  readonly key: string;
}

let certificate: Promise<TestCertificate> | undefined;

/** One self-signed localhost certificate per test process (it is also its own trust anchor). */
export function testCertificate(): Promise<TestCertificate> {
  certificate ??= (async () => {
    const now = Date.now();
    const issued = await issue({
      subject: 'localhost',
      names: ['localhost', '127.0.0.1'],
      notBefore: new Date(now - 3_600_000),
      notAfter: new Date(now + 86_400_000),
    });
    return { cert: issued.pem, key: issued.keyPem };
  })();
  return certificate;
}

/**
 * Listen on 127.0.0.1 and return the port. At teardown, destroy every connection the server
 * accepted and wait for it to close.
 */
export async function listen(t: Test, server: net.Server): Promise<number> {
  const accepted = new Set<net.Socket>();
  server.on('connection', (socket: net.Socket) => {
    accepted.add(socket);
    socket.once('close', () => accepted.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(async () => {
    for (const socket of accepted) socket.destroy();
    server.close();
    if (server.listening) await once(server, 'close');
  });
  return (server.address() as net.AddressInfo).port;
}

/** Destroy `socket` at teardown (a client the test opened). */
export function track<S extends net.Socket>(t: Test, socket: S): S {
  t.teardown(() => {
    socket.destroy();
  });
  return socket;
}

/**
 * A TLS front end: every handshaken socket goes to `onSecure`. The server keeps Node's default
 * allowHalfOpen (false), as a listener might: half-close must not depend on it.
 */
export async function tlsFront(
  t: Test,
  onSecure: (socket: tls.TLSSocket) => void,
  options: tls.TlsOptions = {},
): Promise<{ port: number; ca: string }> {
  const { cert, key } = await testCertificate();
  const server = tls.createServer({ cert, key, ...options }, onSecure);
  return { port: await listen(t, server), ca: cert };
}

/** A TLS client to the front end, resolved once the handshake is done. */
export async function tlsConnect(t: Test, port: number, ca: string, options: tls.ConnectionOptions = {}): Promise<tls.TLSSocket> {
  const socket = track(t, tls.connect({ host: '127.0.0.1', port, ca, servername: 'localhost', ...options }));
  await once(socket, 'secureConnect');
  return socket;
}

/** A port where nothing listens: a listener is opened and closed to find a free one. */
export async function closedPort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;
  server.close();
  await once(server, 'close');
  return port;
}

/**
 * A port whose listener never accepts and whose accept queue is full, so a new connection's SYN
 * is dropped and connect() hangs until the caller's timeout: deterministic, unlike a
 * "non-routable" address. The listener lives in a worker thread blocked in Atomics.wait (its
 * event loop never runs, so libuv never accepts). With backlog 1, Linux queues two connections
 * (the queue is full when its length exceeds the backlog); two fillers, each awaited, fill it.
 */
export async function neverAcceptingPort(t: Test): Promise<number> {
  const gate = new SharedArrayBuffer(4);
  const worker = new Worker(
    `const { parentPort, workerData } = require('node:worker_threads');
     const server = require('node:net').createServer();
     server.listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => {
       parentPort.postMessage(server.address().port);
       Atomics.wait(new Int32Array(workerData), 0, 0);
     });`,
    { eval: true, workerData: gate },
  );
  const [port] = (await once(worker, 'message')) as [number];
  t.teardown(async () => {
    Atomics.store(new Int32Array(gate), 0, 1);
    Atomics.notify(new Int32Array(gate), 0);
    await worker.terminate();
  });
  for (let i = 0; i < 2; i++) {
    const filler = track(t, net.connect(port, '127.0.0.1'));
    await once(filler, 'connect');
  }
  return port;
}

/**
 * Everything `stream` delivers until its end, passing each chunk to `onChunk` if given. Events,
 * not `for await`: an async iterator destroys the stream at its end, which would cut the write
 * side of a half-closed socket.
 */
export function readAll(stream: NodeJS.ReadableStream, onChunk?: (chunk: Buffer) => void): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => (onChunk ? onChunk(chunk) : chunks.push(chunk)));
    stream.once('end', () => resolve(Buffer.concat(chunks)));
    stream.once('error', reject);
  });
}

/**
 * Collect what `stream` delivers until `done(collected)` holds, then stop reading (later bytes
 * stay buffered for the next call). Rejects if the stream ends first.
 */
export function readUntil(stream: net.Socket, done: (collected: Buffer) => boolean): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let collected = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      collected = Buffer.concat([collected, chunk]);
      if (!done(collected)) return;
      cleanup();
      stream.pause();
      resolve(collected);
    };
    const onEnd = (): void => {
      cleanup();
      reject(new Error(`stream ended after ${collected.length} bytes: ${collected.toString('latin1').slice(0, 200)}`));
    };
    const cleanup = (): void => {
      stream.off('data', onData);
      stream.off('end', onEnd);
    };
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.resume();
  });
}
