// Raw (validated and checked) configuration -> the typed model: defaults applied, durations in
// milliseconds, addresses parsed, hashes and names normalized, references resolved. Runs only
// on a document without problems, so every conversion here succeeds.
import { ipBytes } from '../chain/hostname.js';
import { addressOf } from './addresses.js';
import { clientAuthMode, DEFAULTS } from './defaults.js';
import { durationMs } from './durations.js';
import { preferRoot, sha256List } from './fingerprints.js';
import { sanPattern } from './names.js';
import type { RawAllow, RawCertificate, RawConfig, RawConnector, RawListener, RawStore, RawTls } from './schema.js';
import type {
  Address,
  AllowList,
  CertificateConfig,
  Config,
  ConnectorConfig,
  ListenerConfig,
  TlsOptions,
  TrustSource,
  TrustStoreConfig,
} from './types.js';

const listenAddress = (text: string) => addressOf(text, { allowPortZero: true });
const remoteAddress = (text: string) => addressOf(text, { allowPortZero: false });
const lower = (names: readonly string[] | undefined) => (names ?? []).map((n) => n.toLowerCase());

export function buildConfig(raw: RawConfig): Config {
  const certificates = (raw.certificates ?? []).map(certificate);
  const stores = raw.trust.stores.map(store);
  const limits = { ...DEFAULTS.limits, ...raw.limits };
  const reload = { ...DEFAULTS.reload, ...raw.reload };
  return {
    admin: raw.admin && { listen: listenAddress(raw.admin.listen) },
    log: { level: raw.log?.level ?? DEFAULTS.logLevel },
    trust: {
      stores,
      distrust: sha256List(raw.trust.distrust ?? []),
      horizonMs: durationMs(raw.trust.horizon ?? DEFAULTS.horizon),
      prefer: (raw.trust.prefer ?? []).map(preferRoot),
      maxDepth: raw.trust.maxDepth ?? DEFAULTS.maxDepth,
      aia: raw.trust.aia ?? DEFAULTS.aia,
    },
    certificates,
    listeners: (raw.listeners ?? []).map((l) => listener(l, certificates)),
    connectors: (raw.connectors ?? []).map((c) => connector(c, stores)),
    limits: {
      handshakeTimeoutMs: durationMs(limits.handshakeTimeout),
      idleTimeoutMs: durationMs(limits.idleTimeout),
      maxConnections: limits.maxConnections,
      connectTimeoutMs: durationMs(limits.connectTimeout),
      backendTimeoutMs: durationMs(limits.backendTimeout),
      drainTimeoutMs: durationMs(limits.drainTimeout),
    },
    reload: { debounceMs: durationMs(reload.debounce), intervalMs: durationMs(reload.interval) },
  };
}

function store(raw: RawStore): TrustStoreConfig {
  const source = (text: string): TrustSource => (text === 'system' || text === 'bundled' ? { kind: text } : { kind: 'path', path: text });
  return { name: raw.name, required: raw.required ?? DEFAULTS.storeRequired, sources: raw.sources.map(source) };
}

function certificate(raw: RawCertificate): CertificateConfig {
  return {
    name: raw.name,
    cert: raw.cert,
    key: raw.key,
    passwordFile: raw.passwordFile,
    pool: raw.pool ?? [],
    names: lower(raw.names),
  };
}

function tls(raw: RawTls | undefined): TlsOptions {
  return {
    minVersion: raw?.minVersion ?? DEFAULTS.minVersion,
    maxVersion: raw?.maxVersion ?? DEFAULTS.maxVersion,
    ciphers: raw?.ciphers,
  };
}

function allowList(raw: RawAllow | undefined): AllowList {
  return {
    fingerprints: sha256List(raw?.fingerprints ?? []),
    spki: sha256List(raw?.spki ?? []),
    sans: (raw?.sans ?? []).map(sanPattern),
  };
}

function listener(raw: RawListener, certificates: readonly CertificateConfig[]): ListenerConfig {
  // checks.ts guarantees: a named certificate, or exactly one to default to.
  const defaultCertificate = raw.certificate ?? certificates[0]!.name;
  const backend = raw.backend === undefined ? undefined : remoteAddress(raw.backend);
  const clientAuth = {
    mode: clientAuthMode(raw.clientAuth),
    ca: raw.clientAuth?.ca ?? [],
    allow: allowList(raw.clientAuth?.allow),
  };
  const common = {
    name: raw.name,
    listen: listenAddress(raw.listen),
    backend,
    certificate: defaultCertificate,
    tls: tls(raw.tls),
    clientAuth,
    routes: (raw.routes ?? []).map((route) => ({
      names: lower(route.names),
      certificate: route.certificate ?? defaultCertificate,
      // checks.ts guarantees a backend on the route or on the listener.
      backend: route.backend === undefined ? (backend as Address) : remoteAddress(route.backend),
    })),
  };
  if ((raw.mode ?? DEFAULTS.mode) === 'tcp') {
    return { mode: 'tcp', ...common, alpn: raw.alpn ?? [], proxyProtocol: raw.proxyProtocol ?? DEFAULTS.proxyProtocol };
  }
  const forwardClientCert = {
    enabled: raw.forwardClientCert?.enabled ?? clientAuth.mode !== 'none',
    details: raw.forwardClientCert?.details ?? DEFAULTS.xfccDetails,
  };
  return { mode: 'http', ...common, forwardClientCert };
}

function connector(raw: RawConnector, stores: readonly TrustStoreConfig[]): ConnectorConfig {
  const target = remoteAddress(raw.target);
  const servername = raw.servername?.toLowerCase() ?? (ipBytes(target.host) ? undefined : target.host);
  return {
    name: raw.name,
    listen: listenAddress(raw.listen),
    target,
    servername,
    certificate: raw.certificate,
    tls: tls(raw.tls),
    verify: {
      stores: raw.verify?.stores ?? stores.map((s) => s.name),
      names: raw.verify?.names ? lower(raw.verify.names) : [servername ?? target.host],
      allow: allowList(raw.verify?.allow),
    },
  };
}
