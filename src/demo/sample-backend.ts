// The demo's database stand-in: plaintext HTTP on loopback that says who it is and what
// rechain forwarded (client address, original host and scheme).
import http from 'node:http';
import type net from 'node:net';

export interface Running {
  readonly port: number;
  close(): Promise<void>;
}

export async function startSampleBackend(name: string): Promise<Running> {
  const server = http.createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(
      `${JSON.stringify({
        backend: name,
        message: 'plaintext backend reached through TLS',
        forwardedFor: req.headers['x-forwarded-for'] ?? null,
        forwardedProto: req.headers['x-forwarded-proto'] ?? null,
        host: req.headers.host ?? null,
      })}\n`,
    );
  });
  return listenOnLoopback(server);
}

export async function listenOnLoopback(server: net.Server): Promise<Running> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      }),
  };
}
