// The flags of `rechain connect`: the egress side, plaintext in on --listen, TLS out to
// --target, presenting the client chain the engine computes from --cert/--key/--pool/--trust
// and verifying the peer against the same trust policy.
import { configFromFlags, parseOptionsOf, type FlagSpec, type FlagValues } from './flags.js';
import type { Config } from './types.js';

const allow = 'connectors[0].verify.allow';

export const CONNECT_FLAGS = {
  config: { type: 'string', value: 'FILE', help: 'Read the whole configuration (its connectors) from a YAML file' },
  listen: { type: 'string', value: 'HOST:PORT', help: 'Accept plaintext on this address', path: 'connectors[0].listen' },
  target: { type: 'string', value: 'HOST:PORT', help: 'The TLS peer to connect to', path: 'connectors[0].target' },
  servername: { type: 'string', value: 'NAME', help: 'SNI sent to the peer (default: the target host unless it is an IP)', path: 'connectors[0].servername' },
  'verify-name': {
    type: 'string',
    multiple: true,
    value: 'NAME',
    help: "A name the peer's certificate must cover (repeatable; default: the SNI, else the target host)",
    path: 'connectors[0].verify.names',
  },
  cert: { type: 'string', value: 'FILE', help: 'Client certificate: PEM bundle (leaf first) or PKCS#12 (default: none)', path: 'certificates[0].cert' },
  key: { type: 'string', value: 'FILE', help: 'PEM private key of the client certificate', path: 'certificates[0].key' },
  'password-file': { type: 'string', value: 'FILE', help: 'File holding the PKCS#12 or key password', path: 'certificates[0].passwordFile' },
  pool: { type: 'string', multiple: true, value: 'PATH', help: 'Candidate intermediates for the client chain (repeatable)', path: 'certificates[0].pool' },
  trust: {
    type: 'string',
    multiple: true,
    value: 'PATH|system|bundled',
    help: "Anchors for the peer's chain and ours (repeatable; default: system)",
    path: 'trust.stores[0].sources',
  },
  distrust: { type: 'string', multiple: true, value: 'SHA256', help: 'Never trust or present this certificate or key (repeatable)', path: 'trust.distrust' },
  'allow-fingerprint': { type: 'string', multiple: true, value: 'SHA256', help: 'Accept only this peer certificate (repeatable)', path: `${allow}.fingerprints` },
  'allow-spki': { type: 'string', multiple: true, value: 'SHA256', help: 'Accept only this peer key (repeatable)', path: `${allow}.spki` },
  'allow-san': { type: 'string', multiple: true, value: 'PATTERN', help: 'Accept only a peer with this SAN (repeatable)', path: `${allow}.sans` },
  admin: { type: 'string', value: 'HOST:PORT', help: 'Serve /metrics, /healthz, /readyz and /chains here (default: off)', path: 'admin.listen' },
  'log-level': { type: 'string', value: 'LEVEL', help: 'trace, debug, info (default), warn, error, fatal or silent', path: 'log.level' },
} as const satisfies Record<string, FlagSpec>;

export type ConnectFlags = FlagValues<typeof CONNECT_FLAGS>;
export const CONNECT_PARSE_OPTIONS = parseOptionsOf(CONNECT_FLAGS);

/** One store, one connector, and a client certificate only when --cert is given. */
export function configFromConnectFlags(flags: Omit<ConnectFlags, 'config'>): Config {
  const withCert = flags.cert !== undefined;
  return configFromFlags(CONNECT_FLAGS, flags, {
    trust: { stores: [{ name: 'default', sources: ['system'] }] },
    ...(withCert ? { certificates: [{ name: 'default' }] } : {}),
    connectors: [{ name: 'default', ...(withCert ? { certificate: 'default' } : {}) }],
  });
}
