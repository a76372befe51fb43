// HTTP mode: secure sockets are fed into a plain http.Server whose requests the HTTP forwarder
// proxies to the route's backend (SNI routing), with the verified client identity in XFCC.
import http from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { Logger } from 'pino';
import type { ListenerMetrics } from '../admin/metrics.js';
import type { HttpListenerConfig, LimitsConfig } from '../config/types.js';
import { attachHttpForwarder } from '../net/http-forwarder.js';
import type { ServedConnection } from '../net/tls-listener.js';
import type { RouteTarget } from '../tls/snapshot.js';
import { xfccValue, type PeerIdentity } from '../mtls/peer-identity.js';

export interface HttpHandler {
  serve(socket: TLSSocket, target: RouteTarget, onClosed: () => void, peer: PeerIdentity | undefined): ServedConnection;
  /** Shutdown begins: close keep-alive connections that wait for no response. */
  drainIdle(): void;
  close(): void;
}

/** A request whose SNI name no route answers, on a listener without a default backend. */
class NoRouteError extends Error {
  constructor(readonly servername: string | undefined) {
    super(`no route for ${servername ?? 'a client without SNI'}`);
  }
}

export function httpHandler(listener: HttpListenerConfig, limits: LimitsConfig, metrics: ListenerMetrics, logger: Logger): HttpHandler {
  const server = http.createServer();
  // idleTimeout 0s means never: Node's keepAliveTimeout 0 keeps idle connections open too.
  server.keepAliveTimeout = limits.idleTimeoutMs;
  const targets = new WeakMap<object, RouteTarget>();
  const peers = new WeakMap<object, PeerIdentity>();
  const { enabled, details } = listener.forwardClientCert;
  const forwarder = attachHttpForwarder(server, {
    resolveBackend: (req) => {
      const backend = targets.get(req.socket)?.backend;
      if (!backend) throw new NoRouteError((req.socket as TLSSocket).servername || undefined);
      return backend;
    },
    // Only ever built from the verified chain; a client-sent header is removed by the forwarder.
    ...(enabled ? { clientCertHeader: (req: http.IncomingMessage) => {
      const peer = peers.get(req.socket);
      return peer ? xfccValue(peer, details) : undefined;
    } } : {}),
    connectTimeoutMs: limits.connectTimeoutMs,
    responseTimeoutMs: limits.backendTimeoutMs,
    events: {
      onBackendError: (reason, error) => {
        if (error instanceof NoRouteError) {
          metrics.backendError('no_route');
          logger.warn({ event: 'no_route', servername: error.servername }, 'no route for this server name; answered 502');
          return;
        }
        metrics.backendError(reason);
        logger.warn({ event: 'backend_error', reason, error: error.message }, 'backend failed');
      },
    },
  });
  return {
    serve(socket, target, onClosed, peer) {
      targets.set(socket, target);
      if (peer) peers.set(socket, peer);
      socket.once('close', () => {
        // HTTP mode counts the client connection's bytes once, at close, not per request.
        metrics.bytes('client_to_backend', socket.bytesRead);
        metrics.bytes('backend_to_client', socket.bytesWritten);
        onClosed();
      });
      server.emit('connection', socket);
      return { close: () => socket.destroy() };
    },
    drainIdle() {
      server.closeIdleConnections();
    },
    close() {
      forwarder.close();
      server.close();
    },
  };
}
