// The plaintext backend of the proxy benchmark, run as its own process so that it shares no event
// loop with a proxy or a client. Three listeners on 127.0.0.1, ephemeral ports, printed as one
// JSON line on stdout once all listen:
// - http: answers every request with a small fixed body, keep-alive;
// - idle: a TCP sink (reads and discards, ends when the peer ends), for handshakes and idle
//   connections, so that a proxy's backend connection costs the same whatever it is;
// - bulk: a TCP source that sends --bulk-bytes on each connection, then ends.
// Runs until stdin closes (the benchmark's way to stop it) or SIGTERM.
import http from 'node:http';
import net from 'node:net';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { 'bulk-bytes': { type: 'string', default: String(256 * 1024 * 1024) } } });
const BULK_BYTES = Number(values['bulk-bytes']);
const CHUNK = Buffer.alloc(64 * 1024, 0x61);
const BODY = Buffer.from('hello from the backend\n');

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0, backlog: 4096 }, () => resolve((server.address() as net.AddressInfo).port));
  });
}

const httpServer = http.createServer((req, res) => {
  req.resume();
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': BODY.length });
  res.end(BODY);
});
httpServer.keepAliveTimeout = 120_000;
httpServer.headersTimeout = 125_000;

const idleServer = net.createServer({ allowHalfOpen: true }, (socket) => {
  socket.on('error', () => socket.destroy());
  socket.resume();
  socket.on('end', () => socket.end());
});

function sendBulk(socket: net.Socket): void {
  let left = BULK_BYTES;
  const pump = (): void => {
    while (left > 0) {
      const chunk = left >= CHUNK.length ? CHUNK : CHUNK.subarray(0, left);
      left -= chunk.length;
      if (!socket.write(chunk)) {
        socket.once('drain', pump);
        return;
      }
    }
    socket.end();
  };
  pump();
}

const bulkServer = net.createServer((socket) => {
  socket.on('error', () => socket.destroy());
  socket.resume();
  sendBulk(socket);
});

const ports = { http: await listen(httpServer), idle: await listen(idleServer), bulk: await listen(bulkServer) };
process.stdout.write(`${JSON.stringify({ ready: true, pid: process.pid, ports })}\n`);

const stop = (): void => process.exit(0);
process.stdin.on('end', stop).on('close', stop).resume();
process.on('SIGTERM', stop);
