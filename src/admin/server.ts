// The admin HTTP server (DESIGN §6): /metrics, /healthz, /readyz, /chains, and /probe when the
// caller provides a prober. Plain node:http; it must never share a port with traffic.
import http from 'node:http';
import type net from 'node:net';
import type { Metrics } from './metrics.js';

export interface Readiness {
  readonly ready: boolean;
  readonly detail: Record<string, unknown>;
}

export interface AdminSources {
  readonly metrics: Metrics;
  readiness(): Readiness;
  chains(): unknown;
  /** Chain-aware blackbox probe: Prometheus text for one target. */
  probe?(params: URLSearchParams): Promise<{ status: number; body: string }>;
}

export interface AdminServer {
  readonly address: net.AddressInfo;
  close(): Promise<void>;
}

function send(res: http.ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}

const json = (res: http.ServerResponse, status: number, value: unknown): void =>
  send(res, status, 'application/json; charset=utf-8', `${JSON.stringify(value, null, 2)}\n`);

async function handle(sources: AdminSources, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://admin');
  if (req.method !== 'GET' && req.method !== 'HEAD') return json(res, 405, { error: 'method_not_allowed' });
  switch (url.pathname) {
    case '/metrics':
      return send(res, 200, sources.metrics.contentType, await sources.metrics.render());
    case '/healthz':
      return json(res, 200, { status: 'ok' });
    case '/readyz': {
      const { ready, detail } = sources.readiness();
      return json(res, ready ? 200 : 503, { status: ready ? 'ready' : 'not_ready', ...detail });
    }
    case '/chains':
      return json(res, 200, sources.chains());
    case '/probe':
      if (sources.probe) {
        const { status, body } = await sources.probe(url.searchParams);
        return send(res, status, 'text/plain; version=0.0.4; charset=utf-8', body);
      }
      break;
  }
  json(res, 404, { error: 'not_found', endpoints: ['/metrics', '/healthz', '/readyz', '/chains', ...(sources.probe ? ['/probe'] : [])] });
}

export async function startAdminServer(host: string, port: number, sources: AdminSources): Promise<AdminServer> {
  const server = http.createServer((req, res) => {
    handle(sources, req, res).catch((e: unknown) => json(res, 500, { error: 'internal', message: e instanceof Error ? e.message : String(e) }));
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    address: server.address() as net.AddressInfo,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
