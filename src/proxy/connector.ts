// One connector (`rechain connect`): accepts plaintext, dials TLS to the target with SNI,
// presents the client chain the engine computed, verifies the peer's chain with the engine and
// the allow-list, and only then relays bytes. A client's bytes are never read before that.
import net from 'node:net';
import tls from 'node:tls';
import type { Logger } from 'pino';
import type { ListenerMetrics } from '../admin/metrics.js';
import type { ConnectorConfig, LimitsConfig } from '../config/types.js';
import { presentedChain } from '../mtls/presented-chain.js';
import { verifyPeer } from '../mtls/verify-peer.js';
import { classifyBackendError } from '../net/backend.js';
import { handshakeFailureReason, isTlsError } from '../net/handshake-failures.js';
import { forwardTcp, type TcpForwarding } from '../net/tcp-forwarder.js';
import type { SignatureVerifier } from '../pki/signatures.js';
import type { Clock } from '../runtime/clock.js';
import type { RateLimiter } from '../runtime/rate-limit.js';
import type { ConnectorState } from '../tls/snapshot.js';

export interface ConnectorDeps {
  readonly config: ConnectorConfig;
  readonly limits: LimitsConfig;
  state(): ConnectorState;
  readonly verifier: SignatureVerifier;
  readonly clock: Clock;
  readonly metrics: ListenerMetrics;
  readonly log: Logger;
  readonly limiter: RateLimiter;
}

export interface RunningConnector {
  listen(): Promise<net.AddressInfo>;
  stopAccepting(): Promise<void>;
  closeAll(): void;
  readonly openConnections: number;
}

export function createConnector(deps: ConnectorDeps): RunningConnector {
  const { config, limits, metrics, log, limiter, clock } = deps;
  const open = new Set<{ close(): void }>();
  // Only a session from a verified handshake, under the same peer policy, is offered again: a
  // resumed session carries no certificate to judge.
  let resumable: { session: Buffer; policyKey: string } | undefined;

  const fail = (kind: 'handshake' | 'backend', reason: string, detail: string): void => {
    if (kind === 'handshake') metrics.handshakeFailure(reason);
    else metrics.backendError(reason);
    if (limiter.admit(`${kind}:${reason}`) === undefined) return;
    log.warn({ event: kind === 'handshake' ? 'peer_handshake_failed' : 'backend_error', reason, detail }, `connection to ${config.target.host}:${config.target.port} failed: ${reason}`);
  };

  const onClient = (client: net.Socket): void => {
    if (open.size >= limits.maxConnections) {
      metrics.handshakeFailure('max_connections');
      client.destroy();
      return;
    }
    metrics.connectionOpened();
    const started = clock.monotonic();
    const state = deps.state();
    const policyKey = state.peer.key;
    const offered = resumable?.policyKey === policyKey ? resumable.session : undefined;
    let verified = false;
    let pending: Buffer | undefined;
    let forwarding: TcpForwarding | undefined;
    const entry = { close: () => (forwarding ? forwarding.close() : (peer.destroy(), client.destroy())) };
    open.add(entry);
    client.on('error', () => peer.destroy());
    client.once('close', () => {
      open.delete(entry);
      metrics.connectionClosed();
    });

    const peer = tls.connect({
      host: config.target.host,
      port: config.target.port,
      ...(config.servername ? { servername: config.servername } : {}),
      ...(state.context ? { secureContext: state.context } : {}),
      minVersion: config.tls.minVersion,
      maxVersion: config.tls.maxVersion,
      ...(config.tls.ciphers ? { ciphers: config.tls.ciphers } : {}),
      // The engine verifies the peer below; OpenSSL's own check would know neither the pool nor the policy.
      rejectUnauthorized: false,
      ...(offered ? { session: offered } : {}),
    });
    // TLS 1.2 hands over the session before the handshake ends, TLS 1.3 tickets after it.
    peer.on('session', (session: Buffer) => {
      if (verified) resumable = { session, policyKey };
      else pending = session;
    });
    const timer = setTimeout(() => {
      fail('backend', 'connect_timeout', `no TLS session within ${limits.connectTimeoutMs} ms`);
      peer.destroy();
      client.destroy();
    }, limits.connectTimeoutMs);
    peer.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (forwarding) return; // the forwarder reports errors once relaying
      if (isTlsError(error)) fail('handshake', handshakeFailureReason(error), error.message);
      else fail('backend', classifyBackendError(error, false), error.message);
      client.destroy();
    });
    peer.once('secureConnect', () => {
      clearTimeout(timer);
      if (!(offered && peer.isSessionReused())) {
        const decision = verifyPeer(presentedChain(peer), state.peer, clock.now(), deps.verifier, () => clock.monotonic());
        if (!decision.ok) {
          fail('handshake', 'peer_cert_rejected', decision.detail);
          peer.destroy();
          client.destroy();
          return;
        }
      }
      verified = true;
      if (pending) resumable = { session: pending, policyKey };
      metrics.handshake((clock.monotonic() - started) / 1000);
      forwarding = forwardTcp(client, {
        backend: { connected: peer },
        idleTimeoutMs: limits.idleTimeoutMs,
        events: {
          // TLS 1.3: a peer that rejects our client chain says so after our side finished.
          onBackendError: (reason, error) => (isTlsError(error) ? fail('handshake', handshakeFailureReason(error), error.message) : fail('backend', reason, error.message)),
          onBytes: (direction, n) => metrics.bytes(direction, n),
          onClose: () => {},
        },
      });
      client.resume(); // accepted with pauseOnConnect: nothing was read until now
    });
  };

  const server = net.createServer({ pauseOnConnect: true, allowHalfOpen: true }, onClient);
  return {
    get openConnections() {
      return open.size;
    },
    listen: () =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen({ host: config.listen.host, port: config.listen.port }, () => {
          server.off('error', reject);
          resolve(server.address() as net.AddressInfo);
        });
      }),
    stopAccepting: () => new Promise((resolve) => server.close(() => resolve())),
    closeAll: () => open.forEach((c) => c.close()),
  };
}
