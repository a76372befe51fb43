// The floor of the proxy benchmark: the least a Node TLS terminator can do, in its own process
// like rechain. No design in Node can beat it on the same machine, so rechain's goal is to stay
// within 10% of it.
// - tcp: tls.createServer, and on each secure connection a net.connect to the backend and a pipe
//   both ways (no timeouts, metrics, routing or logs);
// - http: https.createServer and http.request through a keep-alive agent, headers passed as
//   they come, response piped back.
// Same TLS settings as rechain's defaults (TLS 1.2-1.3, Node's ciphers), same certificate chain.
// Prints {"ready":true,"port":N} on stdout; runs until stdin closes or SIGTERM.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    mode: { type: 'string', default: 'tcp' },
    cert: { type: 'string' },
    key: { type: 'string' },
    backend: { type: 'string' },
  },
});
if (!values.cert || !values.key || !values.backend) throw new Error('usage: proxy-floor --mode tcp|http --cert F --key F --backend PORT');
const backendPort = Number(values.backend);
const secure = { cert: readFileSync(values.cert), key: readFileSync(values.key), minVersion: 'TLSv1.2' as const };

function tcpFloor(): net.Server {
  return tls.createServer(secure, (client) => {
    const backend = net.connect({ host: '127.0.0.1', port: backendPort, noDelay: true });
    const close = (): void => {
      client.destroy();
      backend.destroy();
    };
    client.on('error', close).on('close', close);
    backend.on('error', close).on('close', close);
    client.pipe(backend);
    backend.pipe(client);
  });
}

function httpFloor(): net.Server {
  const agent = new http.Agent({ keepAlive: true });
  return https.createServer({ ...secure, ALPNProtocols: ['http/1.1'] }, (req, res) => {
    const upstream = http.request({ host: '127.0.0.1', port: backendPort, method: req.method, path: req.url, headers: req.headers, agent }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
}

const server = values.mode === 'http' ? httpFloor() : tcpFloor();
server.on('tlsClientError', (_error, socket: tls.TLSSocket) => socket.destroy());
server.listen({ host: '127.0.0.1', port: 0, backlog: 4096 }, () => {
  process.stdout.write(`${JSON.stringify({ ready: true, pid: process.pid, port: (server.address() as net.AddressInfo).port })}\n`);
});

const stop = (): void => process.exit(0);
process.stdin.on('end', stop).on('close', stop).resume();
process.on('SIGTERM', stop);
