// The HTTP forwarder: the one adapter around http-proxy (no other file imports it). It serves
// an http.Server that the caller feeds decrypted TLS sockets into, sends each request (and each
// WebSocket upgrade) to the backend the caller resolves for it, owns the forwarded headers, the
// backend timeouts and the 502/504 answers, and reports backend failures through a callback.
// Must not import config, the chain engine, metrics or the logger.
import http from 'node:http';
import type { ClientRequest, IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import httpProxy from 'http-proxy';
import { BackendTimeoutError, DEFAULT_CONNECT_TIMEOUT_MS, classifyBackendError } from './backend.js';
import type { BackendAddress, BackendErrorReason } from './backend.js';
import { sendGatewayError, writeRawGatewayError } from './gateway-responses.js';

export const DEFAULT_RESPONSE_TIMEOUT_MS = 30_000;

export interface HttpForwardEvents {
  /**
   * A request got no (complete) answer from its backend. `other` also covers a request that
   * could not be sent at all (resolveBackend threw, a header value was invalid).
   */
  onBackendError(reason: BackendErrorReason, error: Error): void;
}

export interface HttpForwarderOptions {
  /** The backend for this request (SNI routing reads `req.socket.servername`). Called once per request. */
  readonly resolveBackend: (req: IncomingMessage) => BackendAddress;
  /** The X-Forwarded-Client-Cert value for this request, or undefined for none. */
  readonly clientCertHeader?: (req: IncomingMessage) => string | undefined;
  /** Time to establish a new backend connection; 504 after. Default DEFAULT_CONNECT_TIMEOUT_MS. */
  readonly connectTimeoutMs?: number;
  /** From the request fully sent to the response head (or an upgrade's 101); 504 after. Default 30 s. */
  readonly responseTimeoutMs?: number;
  readonly events: HttpForwardEvents;
}

export interface HttpForwarder {
  /** Stop serving `server`'s requests and destroy the pooled backend connections. */
  close(): void;
}

// Headers a client must not set for the backend. Underscore spellings are removed too: CGI-style
// backends read `X_Forwarded_Client_Cert` and `X-Forwarded-Client-Cert` as the same variable.
const OWNED_HEADERS = new Set(['x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'x-forwarded-client-cert']);

export function attachHttpForwarder(server: http.Server, options: HttpForwarderOptions): HttpForwarder {
  const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const responseTimeoutMs = options.responseTimeoutMs ?? DEFAULT_RESPONSE_TIMEOUT_MS;
  const events = options.events;
  // Node's agent honours the backend's `Keep-Alive: timeout=N` hint, closing idle sockets before
  // the backend does, which avoids most reuse-after-close resets.
  const agent = new http.Agent({ keepAlive: true });
  const proxy = httpProxy.createProxyServer({ agent, xfwd: false });
  const upgraded = new WeakSet<Duplex>();

  proxy.on('proxyReq', (proxyReq, req, res) => {
    removeHopByHop(proxyReq, req.headers.connection);
    armTimeouts(proxyReq, connectTimeoutMs, responseTimeoutMs);
    // A client that leaves before its response is complete must not pin the backend connection.
    res.once('close', () => {
      if (!res.writableFinished) proxyReq.destroy();
    });
  });
  proxy.on('proxyRes', (proxyRes, req, res) => {
    // The backend's Connection and Keep-Alive describe our pooled connection, not the client's;
    // http-proxy then sets Connection from the client's own request.
    for (const name of hopByHopNames(proxyRes.headers.connection)) delete proxyRes.headers[name];
    // A backend that dies mid-body: cut the client's response too, rather than leave it hanging.
    proxyRes.once('close', () => {
      if (proxyRes.complete || req.socket.destroyed) return;
      events.onBackendError('reset', new Error('backend closed the connection mid-response'));
      res.destroy();
    });
  });
  proxy.on('proxyReqWs', (proxyReq, _req, socket) => {
    armTimeouts(proxyReq, connectTimeoutMs, responseTimeoutMs);
    socket.once('close', () => proxyReq.destroy());
    proxyReq.once('upgrade', (_res: IncomingMessage, backendSocket: Socket) => {
      upgraded.add(socket);
      tieLifetimes(socket, backendSocket);
    });
  });

  const onWebError = (error: Error, req: IncomingMessage, res: ServerResponse | Socket): void => {
    if (req.socket.destroyed) return; // the client left: nothing to answer, not the backend's fault
    // ETIMEDOUT without our timers is the kernel giving up on a connect.
    const reason = classifyBackendError(error, false);
    events.onBackendError(reason, error);
    sendGatewayError(res as ServerResponse, reason);
  };
  const onUpgradeError = (error: Error, req: IncomingMessage, socket: ServerResponse | Socket): void => {
    if (req.socket.destroyed) return;
    const reason = classifyBackendError(error, upgraded.has(socket as Socket));
    events.onBackendError(reason, error);
    // After the 101 the socket carries WebSocket frames: no HTTP answer then. http-proxy ends it.
    if (!upgraded.has(socket as Socket)) writeRawGatewayError(socket as Socket, reason);
  };

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    try {
      const target = targetOf(options.resolveBackend(req));
      setForwardedHeaders(req, options.clientCertHeader);
      // Node's server has already answered `100 Continue` (no checkContinue listener here), and
      // http-proxy skips its proxyReq event, which arms our timeouts, for requests with Expect.
      delete req.headers.expect;
      proxy.web(req, res, { target }, onWebError);
    } catch (error) {
      events.onBackendError('other', error as Error);
      sendGatewayError(res, 'other');
    }
  };
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    // Node's server drops its own error handler from an upgraded socket; an unhandled 'error'
    // would crash the process. Cleanup follows from 'close' (tieLifetimes, proxyReq.destroy).
    socket.on('error', ignoreClientSocketError);
    try {
      const target = targetOf(options.resolveBackend(req));
      setForwardedHeaders(req, options.clientCertHeader);
      proxy.ws(req, socket, head, { target }, onUpgradeError);
    } catch (error) {
      events.onBackendError('other', error as Error);
      writeRawGatewayError(socket, 'other');
      socket.end();
    }
  };

  server.on('request', onRequest);
  server.on('upgrade', onUpgrade);
  return {
    close() {
      server.off('request', onRequest);
      server.off('upgrade', onUpgrade);
      agent.destroy();
    },
  };
}

function targetOf(backend: BackendAddress): { protocol: string; host: string; port: number } {
  return { protocol: 'http:', host: backend.host, port: backend.port };
}

// XFF is appended to (the client may come through other proxies); XFP and XFH are replaced (a
// client could otherwise claim another scheme or host); XFCC is only ever what the caller built
// from a verified client certificate. Host itself is passed through unchanged.
function setForwardedHeaders(req: IncomingMessage, clientCertHeader: HttpForwarderOptions['clientCertHeader']): void {
  const headers = req.headers;
  for (const name of Object.keys(headers)) {
    if (name.includes('_') && OWNED_HEADERS.has(name.replaceAll('_', '-'))) delete headers[name];
  }
  const client = req.socket.remoteAddress ?? 'unknown';
  const prior = headers['x-forwarded-for'];
  headers['x-forwarded-for'] = prior ? `${prior}, ${client}` : client;
  headers['x-forwarded-proto'] = 'https';
  if (headers.host) headers['x-forwarded-host'] = headers.host;
  else delete headers['x-forwarded-host'];
  delete headers['x-forwarded-client-cert'];
  const clientCert = clientCertHeader?.(req);
  if (clientCert !== undefined) headers['x-forwarded-client-cert'] = clientCert;
}

// Connection-level headers (RFC 9110 7.6.1) belong to one hop. The client's `Connection: close`
// must not close the pooled backend connection; Node's agent sets its own keep-alive. Upgrade
// requests keep theirs: the WebSocket path needs `Connection: upgrade` and `Upgrade`.
function removeHopByHop(proxyReq: ClientRequest, connection: string | undefined): void {
  if (proxyReq.headersSent) return; // http-proxy emits proxyReq before the head is written
  for (const name of hopByHopNames(connection)) proxyReq.removeHeader(name);
}

function hopByHopNames(connection: string | undefined): string[] {
  const names = ['connection', 'keep-alive', 'proxy-connection'];
  if (connection) {
    for (const token of connection.split(',')) {
      const name = token.trim().toLowerCase();
      if (name) names.push(name);
    }
  }
  return names;
}

// Two timeouts, as Go's Transport has: one while a new connection is being established, one
// from the request fully sent to the response head. A slow upload is the client's to time out.
// A pooled keep-alive connection needs no connect timer, so most requests arm one timer only.
function armTimeouts(proxyReq: ClientRequest, connectTimeoutMs: number, responseTimeoutMs: number): void {
  const fail = (reason: 'connect_timeout' | 'response_timeout', ms: number): void => {
    proxyReq.destroy(new BackendTimeoutError(reason, ms));
  };
  let answered = false;
  let connectTimer: NodeJS.Timeout | undefined;
  let responseTimer: NodeJS.Timeout | undefined;
  const onSocket = (socket: Socket): void => {
    if (!socket.connecting) return;
    connectTimer = setTimeout(fail, connectTimeoutMs, 'connect_timeout', connectTimeoutMs);
    socket.once('connect', () => clearTimeout(connectTimer));
  };
  if (proxyReq.socket) onSocket(proxyReq.socket);
  else proxyReq.once('socket', onSocket);
  proxyReq.once('finish', () => {
    if (!answered) responseTimer = setTimeout(fail, responseTimeoutMs, 'response_timeout', responseTimeoutMs);
  });
  const stop = (): void => {
    answered = true;
    clearTimeout(connectTimer);
    clearTimeout(responseTimer);
  };
  proxyReq.once('response', stop);
  proxyReq.once('upgrade', stop);
  proxyReq.once('close', stop);
}

// An upgraded pair lives and dies together: a side that closes without having ended its stream
// cleanly takes the other down. A clean end is passed on by http-proxy's pipes.
function tieLifetimes(a: Duplex, b: Duplex): void {
  a.once('close', () => {
    if (!(a.readableEnded && a.writableFinished)) b.destroy();
  });
  b.once('close', () => {
    if (!(b.readableEnded && b.writableFinished)) a.destroy();
  });
}

function ignoreClientSocketError(): void {}
