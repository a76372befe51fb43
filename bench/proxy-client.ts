// The load clients of the proxy benchmark, each run as a child process of the benchmark so that
// client work never shares the measured server's event loop. One JSON line on stdout per run.
//
//   handshakes --port P --concurrency C --duration MS   full TLS handshakes, a new connection
//                                                       each, no session resumption
//   http --port P [--tls] --connections C --duration MS keep-alive GETs (used when wrk is absent)
//   bulk --port P [--tls]                               read one stream to its end: MB/s
//   idle --port P --count N --concurrency C             open N TLS connections, print ready,
//                                                       hold them until stdin closes
import net from 'node:net';
import tls from 'node:tls';
import { parseArgs } from 'node:util';

const HOST = '127.0.0.1';
const SERVERNAME = 'bench.example';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    port: { type: 'string' },
    tls: { type: 'boolean', default: false },
    concurrency: { type: 'string', default: '16' },
    connections: { type: 'string', default: '32' },
    duration: { type: 'string', default: '3000' },
    count: { type: 'string', default: '2000' },
  },
});
const port = Number(values.port);

function print(result: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

// One context for every connection: tls.connect would otherwise build an SSL_CTX per connection,
// which costs the client more than the whole handshake costs the server. Certificates are not
// verified (the benchmark measures the server's work); no session is ever offered back, so every
// handshake is a full one.
const clientContext = tls.createSecureContext({});

function connect(useTls: boolean): net.Socket {
  return useTls
    ? tls.connect({ host: HOST, port, servername: SERVERNAME, rejectUnauthorized: false, secureContext: clientContext })
    : net.connect({ host: HOST, port, noDelay: true });
}

/** Resolves when the connection is usable (after the handshake for TLS). */
function opened(socket: net.Socket, useTls: boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once(useTls ? 'secureConnect' : 'connect', () => resolve());
    socket.once('error', reject);
  });
}

async function handshakes(concurrency: number, durationMs: number): Promise<void> {
  let count = 0;
  let errors = 0;
  const start = performance.now();
  const deadline = start + durationMs;
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const socket = connect(true);
      try {
        await opened(socket, true);
        count++;
      } catch {
        errors++;
      }
      socket.destroy();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - start) / 1000;
  print({ count, errors, seconds, rate: count / seconds });
}

const REQUEST = Buffer.from(`GET / HTTP/1.1\r\nHost: ${SERVERNAME}\r\nUser-Agent: rechain-bench\r\n\r\n`);

/** One keep-alive connection sending GETs back to back; latencies in milliseconds. */
async function httpConnection(useTls: boolean, deadline: number, latencies: number[]): Promise<number> {
  const socket = connect(useTls);
  await opened(socket, useTls);
  let errors = 0;
  let buffered: Buffer = Buffer.alloc(0);
  let waiting: ((ok: boolean) => void) | undefined;
  const complete = (): boolean => {
    const head = buffered.indexOf('\r\n\r\n');
    if (head < 0) return false;
    const match = /content-length:\s*(\d+)/i.exec(buffered.toString('latin1', 0, head));
    const total = head + 4 + (match ? Number(match[1]) : 0);
    if (buffered.length < total) return false;
    buffered = buffered.subarray(total);
    return true;
  };
  socket.on('data', (chunk: Buffer) => {
    buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
    if (waiting && complete()) {
      const done = waiting;
      waiting = undefined;
      done(true);
    }
  });
  socket.on('error', () => waiting?.(false));
  socket.on('close', () => waiting?.(false));
  while (performance.now() < deadline && !socket.destroyed) {
    const sent = performance.now();
    const ok = await new Promise<boolean>((resolve) => {
      waiting = resolve;
      socket.write(REQUEST);
    });
    if (!ok) {
      errors++;
      break;
    }
    latencies.push(performance.now() - sent);
  }
  socket.destroy();
  return errors;
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
}

async function httpLoad(useTls: boolean, connections: number, durationMs: number): Promise<void> {
  const latencies: number[] = [];
  const start = performance.now();
  const errors = await Promise.all(Array.from({ length: connections }, () => httpConnection(useTls, start + durationMs, latencies)));
  const seconds = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  print({
    requests: latencies.length,
    errors: errors.reduce((a, b) => a + b, 0),
    seconds,
    rate: latencies.length / seconds,
    p50Ms: quantile(latencies, 0.5),
    p99Ms: quantile(latencies, 0.99),
  });
}

async function bulk(useTls: boolean): Promise<void> {
  const start = performance.now();
  const socket = connect(useTls);
  let bytes = 0;
  socket.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('end', () => resolve());
    socket.once('error', reject);
  });
  socket.destroy();
  const seconds = (performance.now() - start) / 1000;
  print({ bytes, seconds, mbPerSecond: bytes / 1e6 / seconds });
}

async function idle(count: number, concurrency: number): Promise<void> {
  const sockets: net.Socket[] = [];
  let errors = 0;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      next++;
      const socket = connect(true);
      socket.on('error', () => {});
      try {
        await opened(socket, true);
        sockets.push(socket);
      } catch {
        errors++;
        socket.destroy();
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  print({ ready: true, opened: sockets.length, errors });
  const stop = (): void => {
    for (const s of sockets) s.destroy();
    process.exit(0);
  };
  process.stdin.on('end', stop).on('close', stop).resume();
}

const [command] = positionals;
switch (command) {
  case 'handshakes':
    await handshakes(Number(values.concurrency), Number(values.duration));
    break;
  case 'http':
    await httpLoad(values.tls, Number(values.connections), Number(values.duration));
    break;
  case 'bulk':
    await bulk(values.tls);
    break;
  case 'idle':
    await idle(Number(values.count), Number(values.concurrency));
    break;
  default:
    process.stderr.write('usage: proxy-client handshakes|http|bulk|idle --port P [...]\n');
    process.exitCode = 2;
}
