// One TLS listener: accepts, refuses beyond max connections, handshakes with the context the
// current snapshot routes the SNI name to, measures and classifies handshakes, and hands each
// secure socket to the mode's connection handler. Contexts come from a function read per
// handshake, so a reload never touches open connections.
import net from 'node:net';
import tls from 'node:tls';
import type { ListenerMetrics } from '../admin/metrics.js';
import { handshakeFailureReason, type HandshakeFailureReason } from './handshake-failures.js';
import type { SniRouter } from './sni-routes.js';

export interface ListenTarget {
  readonly context: tls.SecureContext;
}

export interface ListenerRouting<T extends ListenTarget> {
  readonly router: SniRouter<T>;
  readonly defaultOptions: tls.SecureContextOptions;
}

/** A connection being served; close() is the drain deadline's last word. */
export interface ServedConnection {
  close(): void;
}

/** After the handshake: refuse the peer (a reason for the metrics), or accept it with what was learnt. */
export type PeerCheck<P> = { readonly refuse: HandshakeFailureReason; readonly detail: string } | { readonly peer: P | undefined };

export interface TlsListenerOptions<T extends ListenTarget, P> {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly alpn: readonly string[];
  /** Routes by SNI exist; without them every name gets the default context and no callback runs. */
  readonly sniRouting: boolean;
  readonly requestClientCert: boolean;
  readonly handshakeTimeoutMs: number;
  readonly maxConnections: number;
  /** The routing of the current snapshot. */
  routing(): ListenerRouting<T>;
  serve(socket: tls.TLSSocket, target: T, onClosed: () => void, peer: P | undefined): ServedConnection;
  onHandshakeFailure(reason: HandshakeFailureReason, error: Error, remote: string | undefined): void;
  /**
   * Client certificates, checked before any byte is read or forwarded. Node offers no verify
   * callback inside the handshake, so a refused peer is disconnected right after it.
   */
  verifyPeer?(socket: tls.TLSSocket): PeerCheck<P>;
  readonly metrics: ListenerMetrics;
  readonly monotonicNow: () => number;
}

export class TlsListener<T extends ListenTarget, P = never> {
  readonly #options: TlsListenerOptions<T, P>;
  readonly #server: tls.Server;
  readonly #accepted = new WeakMap<net.Socket, number>();
  readonly #served = new Set<ServedConnection>();
  readonly #refused = new WeakSet<net.Socket>();
  #open = 0;

  constructor(options: TlsListenerOptions<T, P>) {
    this.#options = options;
    const routing = options.routing();
    this.#server = tls.createServer({
      ...routing.defaultOptions,
      handshakeTimeout: options.handshakeTimeoutMs,
      requestCert: options.requestClientCert,
      rejectUnauthorized: false,
      ...(options.alpn.length > 0 ? { ALPNProtocols: [...options.alpn] } : {}),
      ...(options.sniRouting ? { SNICallback: (servername: string, cb: (err: Error | null, ctx?: tls.SecureContext) => void) => cb(null, options.routing().router.route(servername).context) } : {}),
    });
    this.#server.on('connection', (raw: net.Socket) => this.#onAccept(raw));
    this.#server.on('tlsClientError', (error: Error, socket: tls.TLSSocket) => this.#onFailure(error, socket));
    this.#server.on('secureConnection', (socket: tls.TLSSocket) => this.#onSecure(socket));
  }

  get openConnections(): number {
    return this.#open;
  }

  async listen(): Promise<net.AddressInfo> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen({ host: this.#options.host, port: this.#options.port }, () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
    return this.#server.address() as net.AddressInfo;
  }

  /** After a snapshot swap: clients without SNI get the new default context. */
  refresh(): void {
    this.#server.setSecureContext(this.#options.routing().defaultOptions);
  }

  /** Stop accepting; resolves when the listening socket is closed (open connections go on). */
  stopAccepting(): Promise<void> {
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  /** Close every open connection now (the end of a drain). */
  closeAll(): void {
    for (const served of this.#served) served.close();
  }

  #onAccept(raw: net.Socket): void {
    // Refused at accept, not with server.maxConnections, which misbehaves under node:cluster.
    if (this.#open >= this.#options.maxConnections) {
      this.#options.metrics.handshakeFailure('max_connections');
      this.#refused.add(raw);
      raw.destroy();
      return;
    }
    this.#open++;
    this.#options.metrics.connectionOpened();
    this.#accepted.set(raw, this.#options.monotonicNow());
    raw.once('close', () => {
      this.#open--;
      this.#options.metrics.connectionClosed();
    });
  }

  #onFailure(error: Error, socket: tls.TLSSocket): void {
    const raw = rawSocketOf(socket);
    if (raw && this.#refused.has(raw)) return; // counted as max_connections already
    const reason = handshakeFailureReason(error);
    this.#options.metrics.handshakeFailure(reason);
    this.#options.onHandshakeFailure(reason, error, socket.remoteAddress);
    // Node leaves a timed-out socket open (DESIGN §8): close it here, whatever the failure.
    socket.destroy();
  }

  #onSecure(socket: tls.TLSSocket): void {
    socket.on('error', () => {}); // the handler takes over; until then an error must not crash us
    const check = this.#options.verifyPeer?.(socket) ?? { peer: undefined };
    if ('refuse' in check) {
      this.#options.metrics.handshakeFailure(check.refuse);
      this.#options.onHandshakeFailure(check.refuse, new Error(check.detail), socket.remoteAddress);
      socket.destroy();
      return;
    }
    // A refused peer is a failed handshake, not a completed one: count it only now.
    const raw = rawSocketOf(socket);
    const accepted = raw ? this.#accepted.get(raw) : undefined;
    if (accepted !== undefined) this.#options.metrics.handshake((this.#options.monotonicNow() - accepted) / 1000);
    // Routes map names to backends and never change on reload, so resolving again is safe.
    const target = this.#options.routing().router.route(socket.servername);
    // A handler may close at once (no route) and call back before it returns.
    let served: ServedConnection | undefined;
    let closed = false;
    served = this.#options.serve(
      socket,
      target,
      () => {
        closed = true;
        if (served) this.#served.delete(served);
      },
      check.peer,
    );
    if (!closed) this.#served.add(served);
  }
}

/**
 * The accepted TCP socket under a server-side TLSSocket. Node keeps it as `_parent`; the
 * listener test asserts handshake durations are recorded, so a Node change shows up there.
 */
function rawSocketOf(socket: tls.TLSSocket): net.Socket | undefined {
  return (socket as unknown as { _parent?: net.Socket })._parent;
}
