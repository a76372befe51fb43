// The command-line flag tables as plain data: parseArgs options, --help text, and where each
// flag lands in the configuration document. Kept free of the parser so that `--help` and the
// command table load nothing heavy; flags.ts and connect-flags.ts turn values into a Config.

export interface FlagSpec {
  readonly type: 'string' | 'boolean';
  /** The flag may be repeated; its value is the list of every occurrence. */
  readonly multiple?: true;
  /** Placeholder for --help, such as HOST:PORT. */
  readonly value?: string;
  readonly help: string;
  /** Where the value goes in the configuration document; absent for --config. */
  readonly path?: string;
}

const allow = 'listeners[0].clientAuth.allow';

export const SERVE_FLAGS = {
  config: { type: 'string', value: 'FILE', help: 'Read the whole configuration from a YAML file (no other flag below then)' },
  listen: { type: 'string', value: 'HOST:PORT', help: 'Accept TLS on this address', path: 'listeners[0].listen' },
  backend: { type: 'string', value: 'HOST:PORT', help: 'Plaintext backend to forward to', path: 'listeners[0].backend' },
  cert: { type: 'string', value: 'FILE', help: 'PEM bundle (leaf first) or PKCS#12 file', path: 'certificates[0].cert' },
  key: { type: 'string', value: 'FILE', help: 'PEM private key (omit with PKCS#12)', path: 'certificates[0].key' },
  'password-file': { type: 'string', value: 'FILE', help: 'File holding the PKCS#12 or key password', path: 'certificates[0].passwordFile' },
  mode: { type: 'string', value: 'tcp|http', help: 'Forward bytes (tcp, default) or proxy HTTP/1.1 (http)', path: 'listeners[0].mode' },
  pool: { type: 'string', multiple: true, value: 'PATH', help: 'File or directory of candidate intermediates (repeatable)', path: 'certificates[0].pool' },
  trust: {
    type: 'string',
    multiple: true,
    value: 'PATH|system|bundled',
    help: 'Trust anchors: file, directory, system or bundled (repeatable; default: system)',
    path: 'trust.stores[0].sources',
  },
  distrust: { type: 'string', multiple: true, value: 'SHA256', help: 'Never serve this certificate or key (repeatable)', path: 'trust.distrust' },
  horizon: { type: 'string', value: 'DURATION', help: 'Every certificate must stay valid this long, e.g. 30d (default: 0s)', path: 'trust.horizon' },
  'prefer-root': { type: 'string', multiple: true, value: 'CN|sha256:HEX', help: 'Preferred root, most preferred first (repeatable)', path: 'trust.prefer' },
  admin: { type: 'string', value: 'HOST:PORT', help: 'Serve /metrics, /healthz, /readyz and /chains here (default: off)', path: 'admin.listen' },
  servername: { type: 'string', multiple: true, value: 'NAME', help: 'A DNS name or IP the leaf must cover (repeatable)', path: 'certificates[0].names' },
  alpn: { type: 'string', multiple: true, value: 'PROTOCOL', help: 'TCP mode: ALPN protocol to offer (repeatable)', path: 'listeners[0].alpn' },
  'client-ca': { type: 'string', multiple: true, value: 'PATH', help: 'Client CA file or directory (repeatable)', path: 'listeners[0].clientAuth.ca' },
  'client-auth': {
    type: 'string',
    value: 'none|request|require',
    help: 'Client certificates (default: require with --client-ca, else none)',
    path: 'listeners[0].clientAuth.mode',
  },
  'allow-fingerprint': { type: 'string', multiple: true, value: 'SHA256', help: 'Allow this client certificate (repeatable)', path: `${allow}.fingerprints` },
  'allow-spki': { type: 'string', multiple: true, value: 'SHA256', help: 'Allow this client public key (repeatable)', path: `${allow}.spki` },
  'allow-san': { type: 'string', multiple: true, value: 'PATTERN', help: 'Allow this client SAN: DNS, URI, email or IP (repeatable)', path: `${allow}.sans` },
  'proxy-protocol': { type: 'boolean', help: 'TCP mode: send a PROXY v2 header to the backend', path: 'listeners[0].proxyProtocol' },
  'log-level': { type: 'string', value: 'LEVEL', help: 'trace, debug, info (default), warn, error, fatal or silent', path: 'log.level' },
} as const satisfies Record<string, FlagSpec>;

const connectAllow = 'connectors[0].verify.allow';

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
  'allow-fingerprint': { type: 'string', multiple: true, value: 'SHA256', help: 'Accept only this peer certificate (repeatable)', path: `${connectAllow}.fingerprints` },
  'allow-spki': { type: 'string', multiple: true, value: 'SHA256', help: 'Accept only this peer key (repeatable)', path: `${connectAllow}.spki` },
  'allow-san': { type: 'string', multiple: true, value: 'PATTERN', help: 'Accept only a peer with this SAN (repeatable)', path: `${connectAllow}.sans` },
  admin: { type: 'string', value: 'HOST:PORT', help: 'Serve /metrics, /healthz, /readyz and /chains here (default: off)', path: 'admin.listen' },
  'log-level': { type: 'string', value: 'LEVEL', help: 'trace, debug, info (default), warn, error, fatal or silent', path: 'log.level' },
} as const satisfies Record<string, FlagSpec>;


type FlagValue<S extends FlagSpec> = S['type'] extends 'boolean' ? boolean : S extends { multiple: true } ? string[] : string;

/** The values node:util parseArgs returns for a table's parse options. */
export type FlagValues<F extends Record<string, FlagSpec>> = { readonly [K in keyof F]?: FlagValue<F[K]> };

/** The `options` argument of node:util parseArgs for a flag table. */
export type ParseOptions<F extends Record<string, FlagSpec>> = {
  readonly [K in keyof F]: { type: F[K]['type']; multiple: F[K] extends { multiple: true } ? true : false };
};

export function parseOptionsOf<F extends Record<string, FlagSpec>>(specs: F): ParseOptions<F> {
  return Object.fromEntries(Object.entries(specs).map(([name, spec]) => [name, { type: spec.type, multiple: 'multiple' in spec }])) as ParseOptions<F>;
}

type ServeTable = typeof SERVE_FLAGS;
export type ServeFlagName = keyof ServeTable;
export type ServeFlags = FlagValues<ServeTable>;
export const SERVE_PARSE_OPTIONS = parseOptionsOf(SERVE_FLAGS);

export type ConnectFlags = FlagValues<typeof CONNECT_FLAGS>;
export const CONNECT_PARSE_OPTIONS = parseOptionsOf(CONNECT_FLAGS);

/** The serve flags that describe `explain`'s inputs (certificates and trust). */
export const EXPLAIN_INPUT_FLAGS = ['cert', 'key', 'password-file', 'pool', 'trust', 'distrust', 'horizon', 'prefer-root', 'servername'] as const;
