// The normalized configuration model: what the rest of rechain reads. Every default is applied,
// every duration is milliseconds, every address is parsed, every reference is resolved and
// checked. Built by parse.ts from a file or from flags; deeply frozen.
import type { PreferRoot } from '../chain/policy.js';

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const LISTENER_MODES = ['tcp', 'http'] as const;
export type ListenerMode = (typeof LISTENER_MODES)[number];

/** Oldest first: the order is used to check minVersion <= maxVersion. */
export const TLS_VERSIONS = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'] as const;
export type TlsVersion = (typeof TLS_VERSIONS)[number];

export const CLIENT_AUTH_MODES = ['none', 'request', 'require'] as const;
export type ClientAuthMode = (typeof CLIENT_AUTH_MODES)[number];

/** Fields of Envoy's X-Forwarded-Client-Cert header that rechain can send. */
export const XFCC_DETAILS = ['Hash', 'Cert', 'Chain', 'Subject', 'URI', 'DNS'] as const;
export type XfccDetail = (typeof XFCC_DETAILS)[number];

export interface Address {
  /** A host name (lowercase), an IPv4 address, or an IPv6 address without brackets. */
  readonly host: string;
  /** 0 only on listening addresses, where it asks the OS for a free port. */
  readonly port: number;
}

export type TrustSource =
  | { readonly kind: 'system' }
  | { readonly kind: 'bundled' }
  | { readonly kind: 'path'; readonly path: string };

export interface TrustStoreConfig {
  readonly name: string;
  readonly required: boolean;
  readonly sources: readonly TrustSource[];
}

export interface TrustConfig {
  readonly stores: readonly TrustStoreConfig[];
  /** Lowercase hex SHA-256 (64 characters) of a certificate's DER or of its SPKI; no duplicates. */
  readonly distrust: readonly string[];
  readonly horizonMs: number;
  readonly prefer: readonly PreferRoot[];
  readonly maxDepth: number;
  /** Fetch missing intermediates from the leaf's and intermediates' AIA caIssuers URLs. */
  readonly aia: boolean;
}

export interface CertificateConfig {
  readonly name: string;
  /** A PEM bundle (leaf first) or a PKCS#12 file. */
  readonly cert: string;
  /** Absent with PKCS#12, or when the PEM bundle carries the key. */
  readonly key: string | undefined;
  readonly passwordFile: string | undefined;
  /** Files and directories of candidate intermediates. */
  readonly pool: readonly string[];
  /** DNS names (lowercase) and IP addresses the leaf must cover. */
  readonly names: readonly string[];
}

export interface TlsOptions {
  readonly minVersion: TlsVersion;
  readonly maxVersion: TlsVersion;
  /** An OpenSSL cipher list; absent = Node's default. */
  readonly ciphers: string | undefined;
}

/**
 * A pattern for one subjectAltName of a peer certificate. `*` appears only as a whole leftmost
 * DNS label (`*.example.com`), as an email local part (`*@example.com`), or as the last
 * character of a URI after `/` (`spiffe://cluster.test/ns/prod/*`, a prefix match).
 */
export interface SanPattern {
  readonly kind: 'dns' | 'ip' | 'uri' | 'email';
  /** DNS names and email domains lowercase. */
  readonly pattern: string;
}

/** Empty lists allow every peer certificate that verifies; otherwise a peer must match one entry. */
export interface AllowList {
  /** Lowercase hex SHA-256 of the peer certificate's DER. */
  readonly fingerprints: readonly string[];
  /** Lowercase hex SHA-256 of the peer certificate's SubjectPublicKeyInfo. */
  readonly spki: readonly string[];
  readonly sans: readonly SanPattern[];
}

export interface ClientAuthConfig {
  readonly mode: ClientAuthMode;
  /** Files or directories of client CA certificates; non-empty unless mode is `none`. */
  readonly ca: readonly string[];
  readonly allow: AllowList;
}

export interface RouteConfig {
  /** SNI names, lowercase: exact host names or `*.` wildcards for one label. */
  readonly names: readonly string[];
  readonly certificate: string;
  readonly backend: Address;
}

interface ListenerCommon {
  readonly name: string;
  readonly listen: Address;
  /** Where connections whose SNI matches no route go; absent = they are closed. */
  readonly backend: Address | undefined;
  /** Served when the SNI matches no route, or when the client sends none. */
  readonly certificate: string;
  readonly tls: TlsOptions;
  readonly clientAuth: ClientAuthConfig;
  readonly routes: readonly RouteConfig[];
}

export interface TcpListenerConfig extends ListenerCommon {
  readonly mode: 'tcp';
  /** ALPN protocols offered, in preference order; empty = no ALPN. */
  readonly alpn: readonly string[];
  /** Send a PROXY protocol v2 header to the backend. */
  readonly proxyProtocol: boolean;
}

export interface HttpListenerConfig extends ListenerCommon {
  readonly mode: 'http';
  readonly forwardClientCert: ForwardClientCertConfig;
}

export type ListenerConfig = TcpListenerConfig | HttpListenerConfig;

export interface ForwardClientCertConfig {
  /** Whether the verified client identity goes to the backend in X-Forwarded-Client-Cert. */
  readonly enabled: boolean;
  readonly details: readonly XfccDetail[];
}

export interface PeerVerification {
  /** The peer's chain must validate for at least one of these trust stores. */
  readonly stores: readonly string[];
  /** Names the peer's leaf must cover (DNS names lowercase, or IP addresses); never empty. */
  readonly names: readonly string[];
  readonly allow: AllowList;
}

/** The egress side (`rechain connect`): plaintext in on `listen`, TLS out to `target`. */
export interface ConnectorConfig {
  readonly name: string;
  readonly listen: Address;
  readonly target: Address;
  /** SNI sent to the target; absent when the target is an IP address and none is set. */
  readonly servername: string | undefined;
  /** The client certificate presented, by name; absent = none. */
  readonly certificate: string | undefined;
  readonly tls: TlsOptions;
  readonly verify: PeerVerification;
}

export interface LimitsConfig {
  readonly handshakeTimeoutMs: number;
  /** 0 = connections never time out for idleness. */
  readonly idleTimeoutMs: number;
  readonly maxConnections: number;
  readonly connectTimeoutMs: number;
  /** HTTP mode: longest wait for the backend's response headers; 0 = no limit. */
  readonly backendTimeoutMs: number;
  /** On SIGTERM, how long open connections may finish before they are closed. */
  readonly drainTimeoutMs: number;
}

export interface ReloadConfig {
  readonly debounceMs: number;
  /** Periodic recompute, so the horizon follows the clock; 0 = only on change and SIGHUP. */
  readonly intervalMs: number;
}

export interface AdminConfig {
  readonly listen: Address;
}

export interface LogConfig {
  readonly level: LogLevel;
}

export interface Config {
  /** Absent = no admin server. */
  readonly admin: AdminConfig | undefined;
  readonly log: LogConfig;
  readonly trust: TrustConfig;
  readonly certificates: readonly CertificateConfig[];
  readonly listeners: readonly ListenerConfig[];
  readonly connectors: readonly ConnectorConfig[];
  readonly limits: LimitsConfig;
  readonly reload: ReloadConfig;
}
