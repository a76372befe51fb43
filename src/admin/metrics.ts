// admin/ owns the Prometheus registry and the admin HTTP server; it must not import tls/,
// proxy/ or the chain engine (callers hand it sources).
//
// Prometheus metrics (DESIGN §7; the names are fixed), on rechain's own registry. Callers get
// handles decided at construction: a listener's handles are bound once, so the hot path
// increments a counter child and never looks up labels or asks whether metrics are on.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type ByteDirection = 'client_to_backend' | 'backend_to_client';

/** What one listener (or connector) reports; bound to its label once. */
export interface ListenerMetrics {
  handshake(seconds: number): void;
  handshakeFailure(reason: string): void;
  connectionOpened(): void;
  connectionClosed(): void;
  backendError(reason: string): void;
  bytes(direction: ByteDirection, n: number): void;
}

/** The chain served for one certificate, as the metrics need it. */
export interface ServedChainMetrics {
  valid: ReadonlyMap<string, boolean>;
  root: string;
  fingerprint: string;
  length: number;
  rewritten: boolean;
  /** Earliest notAfter on the served path, anchor included, in seconds. */
  expirySeconds: number;
  selectionValid: boolean;
}

export interface Metrics {
  listener(name: string): ListenerMetrics;
  /** Which trust stores exist and whether each is required (for alerts on required stores). */
  trustStores(stores: readonly { name: string; required: boolean }[]): void;
  chainSelected(certificate: string, chain: ServedChainMetrics): void;
  /** Drop every chain series of a certificate that is no longer configured. */
  chainRemoved(certificate: string): void;
  reload(result: 'success' | 'error'): void;
  render(): Promise<string>;
  readonly contentType: string;
}

/** Failure reasons every listener reports from the start, at 0, so rate() sees the first one. */
const KNOWN_FAILURE_REASONS = ['unknown_ca', 'bad_certificate', 'certificate_unknown', 'client_cert_missing', 'client_cert_rejected', 'timeout'];

const noopListener: ListenerMetrics = {
  handshake: () => {},
  handshakeFailure: () => {},
  connectionOpened: () => {},
  connectionClosed: () => {},
  backendError: () => {},
  bytes: () => {},
};

/** For commands that serve nothing (explain, check) and for tests that do not look. */
export const noopMetrics: Metrics = {
  listener: () => noopListener,
  trustStores: () => {},
  chainSelected: () => {},
  chainRemoved: () => {},
  reload: () => {},
  render: async () => '',
  contentType: 'text/plain',
};

export function createMetrics(version: string): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const r = [registry];

  new Gauge({ name: 'rechain_build_info', help: 'rechain version.', labelNames: ['version'], registers: r }).set({ version }, 1);
  const chainValid = new Gauge({
    name: 'rechain_chain_valid',
    help: '1 if the served chain validates for the trust store, else 0.',
    labelNames: ['certificate', 'store'],
    registers: r,
  });
  const chainInfo = new Gauge({
    name: 'rechain_chain_info',
    help: 'The served chain: root (anchor) name, leaf fingerprint and number of certificates served.',
    labelNames: ['certificate', 'root', 'fingerprint', 'length'],
    registers: r,
  });
  const rewritten = new Gauge({
    name: 'rechain_chain_rewritten',
    help: '1 when the served chain differs from the configured bundle.',
    labelNames: ['certificate'],
    registers: r,
  });
  const expiry = new Gauge({
    name: 'rechain_chain_expiry_timestamp_seconds',
    help: 'Earliest notAfter on the served path, anchor included (Unix seconds).',
    labelNames: ['certificate'],
    registers: r,
  });
  const selections = new Counter({
    name: 'rechain_chain_selections_total',
    help: 'Chain computations per certificate, by result (valid, invalid).',
    labelNames: ['certificate', 'result'],
    registers: r,
  });
  const reloads = new Counter({ name: 'rechain_reloads_total', help: 'Reloads by result (success, error).', labelNames: ['result'], registers: r });
  // Present at 0 from the start: increase() cannot see a counter whose first sample is 1.
  reloads.inc({ result: 'success' }, 0);
  reloads.inc({ result: 'error' }, 0);
  const storeInfo = new Gauge({
    name: 'rechain_trust_store_info',
    help: 'The configured trust stores, and whether each is required (1).',
    labelNames: ['store', 'required'],
    registers: r,
  });
  const handshakes = new Counter({ name: 'rechain_handshakes_total', help: 'Completed TLS handshakes.', labelNames: ['listener'], registers: r });
  const failures = new Counter({
    name: 'rechain_handshake_failures_total',
    help: 'Failed TLS handshakes by reason (alerts from clients that reject the chain: unknown_ca, bad_certificate, certificate_unknown).',
    labelNames: ['listener', 'reason'],
    registers: r,
  });
  const duration = new Histogram({
    name: 'rechain_handshake_duration_seconds',
    help: 'TLS handshake duration, from accept to secure.',
    labelNames: ['listener'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: r,
  });
  const active = new Gauge({ name: 'rechain_connections_active', help: 'Open client connections.', labelNames: ['listener'], registers: r });
  const backendErrors = new Counter({
    name: 'rechain_backend_errors_total',
    help: 'Backend failures by reason (connect_refused, connect_timeout, reset, idle_timeout, response_timeout, no_route, other).',
    labelNames: ['listener', 'reason'],
    registers: r,
  });
  const bytes = new Counter({
    name: 'rechain_bytes_total',
    help: 'Bytes forwarded, by direction (client_to_backend, backend_to_client).',
    labelNames: ['listener', 'direction'],
    registers: r,
  });

  // The label sets set per certificate, so that a new selection replaces the old series.
  const current = new Map<string, { stores: string[]; info: Record<'certificate' | 'root' | 'fingerprint' | 'length', string> }>();
  const chainRemoved = (certificate: string): void => {
    const previous = current.get(certificate);
    if (!previous) return;
    for (const store of previous.stores) chainValid.remove({ certificate, store });
    chainInfo.remove(previous.info);
    rewritten.remove({ certificate });
    expiry.remove({ certificate });
    current.delete(certificate);
  };

  return {
    contentType: registry.contentType,
    render: () => registry.metrics(),
    reload: (result) => reloads.inc({ result }),
    trustStores(stores) {
      storeInfo.reset();
      for (const store of stores) storeInfo.set({ store: store.name, required: String(store.required) }, 1);
    },
    chainRemoved,
    chainSelected(certificate, chain) {
      chainRemoved(certificate);
      const info = { certificate, root: chain.root, fingerprint: chain.fingerprint, length: String(chain.length) };
      for (const [store, ok] of chain.valid) chainValid.set({ certificate, store }, ok ? 1 : 0);
      chainInfo.set(info, 1);
      current.set(certificate, { stores: [...chain.valid.keys()], info });
      rewritten.set({ certificate }, chain.rewritten ? 1 : 0);
      expiry.set({ certificate }, chain.expirySeconds);
      selections.inc({ certificate, result: chain.selectionValid ? 'valid' : 'invalid' });
    },
    listener(name) {
      const opened = active.labels(name);
      const toBackend = bytes.labels(name, 'client_to_backend');
      const toClient = bytes.labels(name, 'backend_to_client');
      const handshakeCount = handshakes.labels(name);
      const handshakeTime = duration.labels(name);
      opened.set(0);
      for (const reason of KNOWN_FAILURE_REASONS) failures.inc({ listener: name, reason }, 0);
      return {
        handshake: (seconds) => {
          handshakeCount.inc();
          handshakeTime.observe(seconds);
        },
        handshakeFailure: (reason) => failures.inc({ listener: name, reason }),
        connectionOpened: () => opened.inc(),
        connectionClosed: () => opened.dec(),
        backendError: (reason) => backendErrors.inc({ listener: name, reason }),
        bytes: (direction, n) => (direction === 'client_to_backend' ? toBackend : toClient).inc(n),
      };
    },
  };
}
