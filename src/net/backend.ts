// src/net/ owns connections: the TLS listener and, after its handshake, the forwarders to the
// backends (TCP; HTTP through http-proxy, whose only importer is http-forwarder.ts; PROXY protocol
// headers). This file is the backend vocabulary the forwarders share. Nothing in src/net/ imports
// config or the chain engine; metrics and logs reach it as callbacks passed in by the caller.

/** ghostunnel's default: how long a new backend connection may take to establish. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/** Where plaintext goes: a host name or IP literal and a TCP port. */
export interface BackendAddress {
  readonly host: string;
  readonly port: number;
}

/**
 * Why a backend exchange failed; a closed set so it can label a metric
 * (`rechain_backend_errors_total{reason}`).
 * - `connect_refused`: nothing listens (RST to our SYN).
 * - `connect_timeout`: the connection was not established in time.
 * - `reset`: an established connection was reset or closed mid-exchange.
 * - `idle_timeout`: no byte moved in either direction for the idle timeout (TCP mode).
 * - `response_timeout`: connected, but no response headers in time (HTTP mode).
 * - `other`: anything else (DNS failure, unreachable network, ...).
 */
export type BackendErrorReason =
  | 'connect_refused'
  | 'connect_timeout'
  | 'reset'
  | 'idle_timeout'
  | 'response_timeout'
  | 'other';

/** A failure we detect ourselves (a timer), carrying its reason so classification is exact. */
export class BackendTimeoutError extends Error {
  readonly reason: 'connect_timeout' | 'idle_timeout' | 'response_timeout';

  constructor(reason: BackendTimeoutError['reason'], afterMs: number) {
    super(`backend ${reason.replace('_', ' ')} after ${afterMs} ms`);
    this.name = 'BackendTimeoutError';
    this.reason = reason;
  }
}

/**
 * The reason for an error raised by a backend socket or request. `connected` says whether the
 * TCP connection had been established: a kernel ETIMEDOUT before that is a connect timeout.
 */
export function classifyBackendError(error: unknown, connected: boolean): BackendErrorReason {
  if (error instanceof BackendTimeoutError) return error.reason;
  // Happy-eyeballs failures arrive as an AggregateError whose code is the first attempt's.
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ECONNREFUSED':
      return 'connect_refused';
    case 'ETIMEDOUT':
      return connected ? 'reset' : 'connect_timeout';
    case 'ECONNRESET':
    case 'EPIPE':
    case 'ECONNABORTED':
      return 'reset';
    default:
      return 'other';
  }
}
