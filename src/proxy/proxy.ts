// proxy/ composes the running process: listeners, connectors, handlers, client-certificate
// decisions and the admin sources. It is the only layer that wires metrics and logs into net/.
// It must not import cli/.
//
// The running proxy, composed: the serving state (chains and contexts), one TLS listener per
// configured listener, the admin server, and the reload triggers (file watcher, periodic
// recompute). Signals are wired by the CLI, which only calls reload() and shutdown().
import type { Logger } from 'pino';
import type net from 'node:net';
import type { Metrics } from '../admin/metrics.js';
import { startAdminServer, type AdminServer } from '../admin/server.js';
import { formatAddress } from '../config/addresses.js';
import type { Address, Config, ListenerConfig } from '../config/types.js';
import { ErrorCodes, RechainError } from '../errors.js';
import { TlsListener } from '../net/tls-listener.js';
import { CachingSignatureVerifier, type SignatureVerifier } from '../pki/signatures.js';
import type { PeerIdentity } from '../mtls/peer-identity.js';
import { checkClientCertificate } from './client-auth.js';
import { VerifiedPeers } from '../mtls/verified-peers.js';
import { createConnector } from './connector.js';
import { probeTarget } from '../check/index.js';
import type { Clock } from '../runtime/clock.js';
import { RateLimiter } from '../runtime/rate-limit.js';
import { PathWatcher } from '../runtime/watcher.js';
import { generateTicketKeys } from '../tls/secure-context.js';
import { ServingState, type ReloadResult, type ReloadTrigger } from '../tls/serving-state.js';
import type { RouteTarget } from '../tls/snapshot.js';
import type { Environment } from '../trust/index.js';
import { httpHandler } from './http-handler.js';
import { chainsView, readiness } from './status.js';
import { tcpHandler } from './tcp-handler.js';

export interface ProxyDeps {
  readonly env: Environment;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

export interface RunningProxy {
  readonly state: ServingState;
  /** Bound addresses by listener and connector name (port 0 in the config becomes the real port). */
  readonly listeners: ReadonlyMap<string, net.AddressInfo>;
  readonly admin: net.AddressInfo | undefined;
  reload(trigger: ReloadTrigger): Promise<ReloadResult>;
  /** Stop accepting, let open connections finish for up to drainMs, then close the rest. */
  shutdown(drainMs: number): Promise<void>;
}

const FAILURE_LOG_INTERVAL_MS = 10_000;

function listenError(cause: unknown, field: string, address: Address): RechainError {
  const code = (cause as NodeJS.ErrnoException).code;
  const why = code === 'EADDRINUSE' ? 'the address is already in use' : code === 'EACCES' ? 'permission denied' : (cause as Error).message;
  return new RechainError(ErrorCodes.NETWORK, `cannot listen on ${formatAddress(address)}: ${why}`, { field, cause });
}

function startListener(config: Config, listener: ListenerConfig, state: ServingState, deps: ProxyDeps, verifier: SignatureVerifier) {
  const metrics = deps.metrics.listener(listener.name);
  const log = deps.logger.child({ listener: listener.name });
  const limiter = new RateLimiter(FAILURE_LOG_INTERVAL_MS, () => deps.clock.monotonic());
  const http = listener.mode === 'http' ? httpHandler(listener, config.limits, metrics, log) : undefined;
  const tcp = listener.mode === 'tcp' ? tcpHandler(listener, config.limits, metrics, log) : undefined;
  const verified = new VerifiedPeers<PeerIdentity>();
  const current = () => {
    const s = state.snapshot.listeners.get(listener.name);
    if (!s) throw new Error(`listener ${listener.name} missing from the snapshot`);
    return s;
  };
  const tlsListener = new TlsListener<RouteTarget, PeerIdentity>({
    name: listener.name,
    host: listener.listen.host,
    port: listener.listen.port,
    alpn: listener.mode === 'http' ? ['http/1.1'] : listener.alpn,
    sniRouting: listener.routes.length > 0,
    requestClientCert: listener.clientAuth.mode !== 'none',
    handshakeTimeoutMs: config.limits.handshakeTimeoutMs,
    maxConnections: config.limits.maxConnections,
    routing: current,
    serve: (socket, target, onClosed, peer) => (http ? http.serve(socket, target, onClosed, peer) : tcp!(socket, target, onClosed, peer)),
    ...(listener.clientAuth.mode === 'none'
      ? {}
      : { verifyPeer: (socket) => checkClientCertificate(socket, { clientAuth: current().clientAuth, verified }, verifier, deps, log, limiter) }),
    onHandshakeFailure: (reason, error, remote) => {
      const suppressed = limiter.admit(reason);
      if (suppressed === undefined) return;
      log.warn({ event: 'handshake_failed', reason, remote, error: error.message, suppressed }, `TLS handshake failed: ${reason}`);
    },
    metrics,
    monotonicNow: () => deps.clock.monotonic(),
  });
  return { tlsListener, drainIdle: () => http?.drainIdle(), close: () => http?.close() };
}

export async function startProxy(config: Config, deps: ProxyDeps): Promise<RunningProxy> {
  const verifier = new CachingSignatureVerifier();
  const state = new ServingState({ config, env: deps.env, clock: deps.clock, verifier, metrics: deps.metrics, logger: deps.logger, ticketKeys: generateTicketKeys() });
  deps.metrics.trustStores(config.trust.stores);
  await state.start();

  const started = config.listeners.map((l) => ({ config: l, ...startListener(config, l, state, deps, verifier) }));
  const listeners = new Map<string, net.AddressInfo>();
  const connectors = config.connectors.map((c) => ({
    config: c,
    connector: createConnector({
      config: c,
      limits: config.limits,
      state: () => state.snapshot.connectors.get(c.name)!,
      verifier,
      clock: deps.clock,
      metrics: deps.metrics.listener(c.name),
      log: deps.logger.child({ connector: c.name }),
      limiter: new RateLimiter(FAILURE_LOG_INTERVAL_MS, () => deps.clock.monotonic()),
    }),
  }));
  const stopAll = () => Promise.all([...started.map((s) => s.tlsListener.stopAccepting()), ...connectors.map((c) => c.connector.stopAccepting())]);
  // Bind in order; on the first failure release what is bound, and name the address in the error.
  const binds = [
    ...started.map((s, i) => ({ name: s.config.name, field: `listeners[${i}].listen`, address: s.config.listen, listen: () => s.tlsListener.listen() })),
    ...connectors.map((c, i) => ({ name: c.config.name, field: `connectors[${i}].listen`, address: c.config.listen, listen: () => c.connector.listen() })),
  ];
  for (const bind of binds) {
    try {
      listeners.set(bind.name, await bind.listen());
    } catch (e) {
      await stopAll();
      throw listenError(e, bind.field, bind.address);
    }
  }
  state.onSwap(() => started.forEach((s) => s.tlsListener.refresh()));

  let admin: AdminServer | undefined;
  if (config.admin) {
    try {
      admin = await startAdminServer(config.admin.listen.host, config.admin.listen.port, {
        metrics: deps.metrics,
        readiness: () => readiness(state.snapshot, [...started.map((s) => s.config.name), ...connectors.map((c) => c.config.name)], listeners),
        chains: () => chainsView(state.snapshot),
        probe: (params) => probeTarget(params, { policy: () => state.trustPolicy, clock: deps.clock, verifier }),
      });
    } catch (e) {
      await stopAll();
      throw listenError(e, 'admin.listen', config.admin.listen);
    }
  }

  const reload = (trigger: ReloadTrigger): Promise<ReloadResult> =>
    state.reload(trigger).finally(() => watcher.watch(state.paths));
  const watcher = new PathWatcher({
    debounceMs: config.reload.debounceMs,
    onChange: (changed) => {
      deps.logger.info({ event: 'inputs_changed', files: changed }, 'inputs changed; reloading');
      void reload('watch');
    },
    onError: (e) => deps.logger.warn({ event: 'watch_error', error: e.message }, 'file watch failed'),
  });
  watcher.watch(state.paths);
  const timer = config.reload.intervalMs > 0 ? setInterval(() => void reload('timer'), config.reload.intervalMs) : undefined;
  timer?.unref();

  return {
    state,
    listeners,
    admin: admin?.address,
    reload,
    async shutdown(drainMs) {
      if (timer) clearInterval(timer);
      watcher.close();
      const open = started.reduce((n, s) => n + s.tlsListener.openConnections, 0) + connectors.reduce((n, c) => n + c.connector.openConnections, 0);
      deps.logger.info({ event: 'shutdown', openConnections: open, drainMs }, 'stopped accepting; draining');
      const drained = stopAll();
      started.forEach((s) => s.drainIdle());
      const deadline = new Promise<'deadline'>((resolve) => setTimeout(() => resolve('deadline'), drainMs).unref());
      if ((await Promise.race([drained, deadline])) === 'deadline') {
        deps.logger.warn({ event: 'drain_deadline' }, 'drain time is up; closing open connections');
        started.forEach((s) => s.tlsListener.closeAll());
        connectors.forEach((c) => c.connector.closeAll());
        await drained;
      }
      started.forEach((s) => s.close());
      await admin?.close();
    },
  };
}
