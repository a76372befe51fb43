// The TCP forwarder: relays one handshaken TLS connection to a plaintext backend, both ways.
// Owns dialing, the relay (backpressure, half-close), the connect and idle timeouts, byte counts
// and the single close path of the pair. Reports through TcpForwardEvents; must not import
// config, the chain engine, metrics or the logger.
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { BackendTimeoutError, DEFAULT_CONNECT_TIMEOUT_MS, classifyBackendError } from './backend.js';
import type { BackendAddress, BackendErrorReason } from './backend.js';

export type Direction = 'client_to_backend' | 'backend_to_client';

/**
 * How the pair ended:
 * - `completed`: both sides ended their streams and both sockets closed cleanly;
 * - `client_error`: the client socket failed (reset, TLS alert) or was destroyed under us;
 * - `backend_error`: see `backendError` (idle timeouts included);
 * - `closed`: the caller called `close()` (drain deadline, shutdown).
 */
export type TcpForwardOutcome = 'completed' | 'client_error' | 'backend_error' | 'closed';

export interface TcpForwardSummary {
  readonly outcome: TcpForwardOutcome;
  readonly backendError?: BackendErrorReason;
  /** The error that ended the pair, if one did. */
  readonly error?: Error;
  /** Payload bytes only: a PROXY header is not counted. */
  readonly bytesClientToBackend: number;
  readonly bytesBackendToClient: number;
  readonly durationMs: number;
}

/** Called synchronously from socket events: keep them cheap, and do not throw. */
export interface TcpForwardEvents {
  onBackendError(reason: BackendErrorReason, error: Error): void;
  /** Once per chunk relayed; the place to count bytes, never to log. */
  onBytes(direction: Direction, n: number): void;
  /** Exactly once per forwarding, after both sockets are torn down. */
  onClose(summary: TcpForwardSummary): void;
}

export interface TcpForwardOptions {
  /** Where to dial; or a socket already connected (and verified) by the caller, as `rechain connect` has. */
  readonly backend: BackendAddress | { readonly connected: net.Socket };
  /** Default DEFAULT_CONNECT_TIMEOUT_MS. */
  readonly connectTimeoutMs?: number;
  /** Close the pair when no byte moves either way for this long; 0 (default) = never. */
  readonly idleTimeoutMs?: number;
  /** Written to the backend before any client byte (a PROXY protocol header). */
  readonly header?: Buffer;
  readonly events: TcpForwardEvents;
}

export interface TcpForwarding {
  /** Tear both sockets down now; reported as `closed` unless the pair had already ended. */
  close(): void;
}

/**
 * Forward `client` (a TLS socket after its handshake, not yet read from) to `options.backend`.
 * Client bytes wait, unread, until the backend connects. A side that ends its stream (TCP FIN,
 * TLS close_notify) gets its end passed on while the other side may keep sending, so the client
 * socket is switched to allowHalfOpen.
 */
export function forwardTcp(client: net.Socket, options: TcpForwardOptions): TcpForwarding {
  return new Forwarding(client, options);
}

function dial(backend: BackendAddress): net.Socket {
  return net.connect({ host: backend.host, port: backend.port, allowHalfOpen: true, noDelay: true });
}

class Forwarding implements TcpForwarding {
  readonly #client: net.Socket;
  readonly #backend: net.Socket;
  readonly #options: TcpForwardOptions;
  readonly #events: TcpForwardEvents;
  readonly #startedAt = performance.now();
  #connectTimer: NodeJS.Timeout | undefined;
  #idleTimer: NodeJS.Timeout | undefined;
  #connected = false;
  #ended = false;
  #socketsOpen = 2;
  #bytesUp = 0;
  #bytesDown = 0;

  constructor(client: net.Socket, options: TcpForwardOptions) {
    this.#client = client;
    this.#options = options;
    this.#events = options.events;
    // Without this, the client's end would end our writes to it before the backend answers.
    client.allowHalfOpen = true;
    client.on('error', (error) => this.#end('client_error', undefined, error));
    client.on('close', () => this.#onSocketClose(client));

    const target = options.backend;
    const given = 'connected' in target ? target.connected : undefined;
    const backend = 'connected' in target ? target.connected : dial(target);
    this.#backend = backend;
    backend.on('error', (error) => this.#end('backend_error', classifyBackendError(error, this.#connected), error));
    backend.on('close', () => this.#onSocketClose(backend));
    if (given) {
      given.allowHalfOpen = true;
      queueMicrotask(() => (given.destroyed ? this.#end('backend_error', 'reset', new Error('backend closed before forwarding')) : this.#onConnect()));
    } else {
      backend.once('connect', () => this.#onConnect());
      const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
      this.#connectTimer = setTimeout(() => {
        this.#end('backend_error', 'connect_timeout', new BackendTimeoutError('connect_timeout', connectTimeoutMs));
      }, connectTimeoutMs);
    }

    // Handed over already gone (reset between handshake and now): no 'close' will come again.
    if (client.destroyed) this.#end('client_error');
  }

  close(): void {
    this.#end('closed');
  }

  #onConnect(): void {
    clearTimeout(this.#connectTimer);
    this.#connected = true;
    if (this.#options.header) this.#backend.write(this.#options.header);
    const idleTimeoutMs = this.#options.idleTimeoutMs ?? 0;
    if (idleTimeoutMs > 0) {
      this.#idleTimer = setTimeout(() => {
        this.#end('backend_error', 'idle_timeout', new BackendTimeoutError('idle_timeout', idleTimeoutMs));
      }, idleTimeoutMs);
    }
    this.#relay(this.#client, this.#backend, 'client_to_backend');
    this.#relay(this.#backend, this.#client, 'backend_to_client');
  }

  // One direction. Backpressure: stop reading `from` while `to` has a full buffer, so at most
  // one highWaterMark per direction is ever held. Half-close: `from` ending ends `to` only.
  #relay(from: net.Socket, to: net.Socket, direction: Direction): void {
    const upstream = direction === 'client_to_backend';
    from.on('data', (chunk: Buffer) => {
      if (upstream) this.#bytesUp += chunk.length;
      else this.#bytesDown += chunk.length;
      this.#events.onBytes(direction, chunk.length);
      this.#idleTimer?.refresh();
      if (!to.write(chunk)) from.pause();
    });
    to.on('drain', () => {
      this.#idleTimer?.refresh();
      from.resume();
    });
    // A client may end before the backend connects (TLS 1.3 clients that close right after the
    // handshake): its 'end' has already fired, so pass it on now.
    if (from.readableEnded) to.end();
    else from.on('end', () => to.end());
  }

  // A socket closes cleanly only once its stream ended both ways; the pair is complete when both
  // have. A socket that closes otherwise was destroyed under us: tear the other one down too.
  #onSocketClose(socket: net.Socket): void {
    const clean = socket.readableEnded && socket.writableFinished;
    if (!clean) {
      if (socket === this.#client) this.#end('client_error');
      else this.#end('backend_error', 'reset', new Error('backend connection closed before its stream ended'));
      return;
    }
    this.#socketsOpen -= 1;
    if (this.#socketsOpen === 0) this.#end('completed');
  }

  // The close path: every ending goes through here, once.
  #end(outcome: TcpForwardOutcome, backendError?: BackendErrorReason, error?: Error): void {
    if (this.#ended) return;
    this.#ended = true;
    clearTimeout(this.#connectTimer);
    clearTimeout(this.#idleTimer);
    if (backendError && error) this.#events.onBackendError(backendError, error);
    this.#client.destroy();
    this.#backend.destroy();
    this.#events.onClose({
      outcome,
      ...(backendError && { backendError }),
      ...(error && { error }),
      bytesClientToBackend: this.#bytesUp,
      bytesBackendToClient: this.#bytesDown,
      durationMs: performance.now() - this.#startedAt,
    });
  }
}
