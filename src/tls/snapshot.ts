// An immutable serving state: per certificate its report, per listener its SNI router to
// contexts and backends. A reload builds a whole new snapshot and swaps it in (holder.ts);
// open connections keep the context they handshook with.
import type tls from 'node:tls';
import type { ChainReport } from '../chain/engine.js';
import { leafCoversName, peerName } from '../chain/hostname.js';
import { AnchorSet } from '../chain/anchors.js';
import type { Address, Config, ConnectorConfig, ListenerConfig, TrustConfig } from '../config/types.js';
import { peerPolicyKey, type PeerPolicy } from '../mtls/verify-peer.js';
import { ConfigError, type ConfigProblem } from '../errors.js';
import type { Certificate } from '../pki/certificate.js';
import { createSniRouter, type SniRouter } from '../net/sni-routes.js';
import type { Inputs } from './inputs.js';
import { buildSecureContext, contextOptions, type ContextInput } from './secure-context.js';

export interface RouteTarget {
  readonly certificate: string;
  readonly context: tls.SecureContext;
  readonly backend: Address | undefined;
}

export interface ClientAuthState {
  readonly mode: 'request' | 'require';
  readonly peer: PeerPolicy;
}

export interface ListenerState {
  readonly router: SniRouter<RouteTarget>;
  /** Present when the listener asks for client certificates. */
  readonly clientAuth: ClientAuthState | undefined;
  /** Options of the default context (clients without SNI), for tls.Server#setSecureContext. */
  readonly defaultOptions: tls.SecureContextOptions;
}

/** What a connector presents and how it judges its peer. */
export interface ConnectorState {
  /** Client certificate and chain; undefined when the connector presents none. */
  readonly context: tls.SecureContext | undefined;
  readonly peer: PeerPolicy;
}

export interface Snapshot {
  readonly generation: number;
  /** Wall time the chains were judged at. */
  readonly at: number;
  /** Served chains (serverAuth), by certificate name. */
  readonly reports: ReadonlyMap<string, ChainReport>;
  /** Client chains (clientAuth) of the certificates connectors present, by certificate name. */
  readonly clientReports: ReadonlyMap<string, ChainReport>;
  readonly listeners: ReadonlyMap<string, ListenerState>;
  readonly connectors: ReadonlyMap<string, ConnectorState>;
}

function covers(leaf: Certificate, name: string): boolean {
  const san = leaf.facts?.subjectAltName;
  if (name.startsWith('*.')) return san?.dns.some((d) => d.toLowerCase() === name) ?? false;
  return leafCoversName(san, peerName(name));
}

/** Route names the routed certificate's leaf does not cover: a configuration error. */
export function uncoveredRoutes(config: Config, inputs: Inputs): ConfigProblem[] {
  const leaves = new Map(inputs.certificates.map((c) => [c.config.name, c.leaf]));
  const problems: ConfigProblem[] = [];
  config.listeners.forEach((listener, i) => {
    listener.routes.forEach((route, j) => {
      const leaf = leaves.get(route.certificate);
      for (const name of route.names) {
        if (leaf && !covers(leaf, name)) {
          problems.push({ path: `listeners[${i}].routes[${j}].names`, message: `${name} is not covered by certificate "${route.certificate}" (${leaf.label})` });
        }
      }
    });
  });
  return problems;
}

function contextInput(listener: ListenerConfig, inputs: Inputs, reports: ReadonlyMap<string, ChainReport>, name: string): ContextInput {
  const cert = inputs.certificates.find((c) => c.config.name === name);
  const report = reports.get(name);
  if (!cert?.key || !report) throw new Error(`certificate "${name}" has no key or report`);
  const clientCa = inputs.clientCas.get(listener.name);
  return {
    key: cert.key,
    chain: report.served,
    minVersion: listener.tls.minVersion,
    maxVersion: listener.tls.maxVersion,
    ciphers: listener.tls.ciphers,
    clientCa: clientCa?.map((c) => c.toPem()),
  };
}

/** Client certificates are judged against the listener's client CAs, any of them sufficing. */
function clientAuthState(listener: ListenerConfig, trust: TrustConfig, inputs: Inputs): ClientAuthState | undefined {
  const { mode, allow } = listener.clientAuth;
  if (mode === 'none') return undefined;
  const anchors = new AnchorSet(inputs.clientCas.get(listener.name) ?? []);
  const peer = {
    policy: { stores: [{ name: 'client-ca', required: false, anchors }], distrust: new Set(trust.distrust), horizonMs: 0, prefer: [], maxDepth: trust.maxDepth },
    purpose: 'clientAuth' as const,
    names: [],
    allow,
  };
  return { mode, peer: { ...peer, key: peerPolicyKey(peer) } };
}

function listenerState(config: Config, listener: ListenerConfig, inputs: Inputs, reports: ReadonlyMap<string, ChainReport>, ticketKeys: Buffer): ListenerState {
  const contexts = new Map<string, tls.SecureContext>();
  const context = (name: string): tls.SecureContext => {
    let ctx = contexts.get(name);
    if (!ctx) {
      ctx = buildSecureContext(contextInput(listener, inputs, reports, name), ticketKeys);
      contexts.set(name, ctx);
    }
    return ctx;
  };
  const fallback: RouteTarget = { certificate: listener.certificate, context: context(listener.certificate), backend: listener.backend };
  const routes = listener.routes.map((r) => ({ names: r.names, target: { certificate: r.certificate, context: context(r.certificate), backend: r.backend } }));
  return {
    router: createSniRouter(routes, fallback),
    clientAuth: clientAuthState(listener, config.trust, inputs),
    defaultOptions: contextOptions(contextInput(listener, inputs, reports, listener.certificate), ticketKeys),
  };
}

/** The peer must validate for one of the connector's stores (each optional) and cover its names. */
function connectorState(connector: ConnectorConfig, config: Config, inputs: Inputs, clientReports: ReadonlyMap<string, ChainReport>, ticketKeys: Buffer): ConnectorState {
  const stores = inputs.stores.filter((s) => connector.verify.stores.includes(s.name)).map((s) => ({ ...s, required: false }));
  const policy: Omit<PeerPolicy, 'key'> = {
    policy: { stores, distrust: new Set(config.trust.distrust), horizonMs: 0, prefer: [], maxDepth: config.trust.maxDepth },
    purpose: 'serverAuth',
    names: connector.verify.names.map(peerName),
    allow: connector.verify.allow,
  };
  const peer: PeerPolicy = { ...policy, key: peerPolicyKey(policy) };
  if (!connector.certificate) return { context: undefined, peer };
  const cert = inputs.certificates.find((c) => c.config.name === connector.certificate);
  const report = clientReports.get(connector.certificate);
  if (!cert?.key || !report) throw new Error(`certificate "${connector.certificate}" has no key or client report`);
  const context = buildSecureContext({ key: cert.key, chain: report.served, minVersion: connector.tls.minVersion, maxVersion: connector.tls.maxVersion, ciphers: connector.tls.ciphers }, ticketKeys);
  return { context, peer };
}

export interface ComputedChains {
  readonly reports: ReadonlyMap<string, ChainReport>;
  readonly clientReports: ReadonlyMap<string, ChainReport>;
}

export function buildSnapshot(config: Config, inputs: Inputs, chains: ComputedChains, ticketKeys: Buffer, generation: number, at: number): Snapshot {
  const problems = uncoveredRoutes(config, inputs);
  if (problems.length > 0) throw new ConfigError(problems);
  const { reports, clientReports } = chains;
  const listeners = new Map(config.listeners.map((l) => [l.name, listenerState(config, l, inputs, reports, ticketKeys)]));
  const connectors = new Map(config.connectors.map((c) => [c.name, connectorState(c, config, inputs, clientReports, ticketKeys)]));
  return Object.freeze({ generation, at, reports, clientReports, listeners, connectors });
}
