// Command-line flags as tables (serve here, connect in connect-flags.ts): parseArgs options,
// --help text, and where each flag lands in the configuration document. Flags become a document that goes
// through parseConfig like a file, so both produce the same model; problems are reported
// under the flag's name (`--listen`) instead of the document path.
import { ConfigError } from '../errors.js';
import { parseConfig } from './parse.js';
import { parsePath, type PathKey } from './paths.js';
import type { Config } from './types.js';

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

/** What the flags leave unsaid, and flags cannot say: one store, one certificate, one listener. */
function serveDocument(withListener: boolean): Record<string, unknown> {
  return {
    trust: { stores: [{ name: 'default', sources: ['system'] }] },
    certificates: [{ name: 'default' }],
    ...(withListener ? { listeners: [{ name: 'default', certificate: 'default' }] } : {}),
  };
}

/**
 * The model the serve flags describe (without --config: loadServeConfig reads the file then).
 * `explain` describes certificates and trust only: `{ listener: false }`.
 * Throws ConfigError whose problem paths are flag names such as `--listen`.
 */
export function configFromServeFlags(flags: Omit<ServeFlags, 'config'>, options: { listener?: boolean } = {}): Config {
  return configFromFlags(SERVE_FLAGS, flags, serveDocument(options.listener ?? true));
}

/**
 * Set each flag's value at its path in `doc`, then parse the document like a file. Problems
 * are reported under the flag that set the value, in the table's (--help) order.
 */
export function configFromFlags<F extends Record<string, FlagSpec>>(specs: F, flags: FlagValues<F>, doc: Record<string, unknown>): Config {
  const model = (Object.entries(specs) as [keyof F & string, FlagSpec][]).flatMap(([name, spec]) =>
    spec.path === undefined ? [] : [{ name, flag: `--${name}`, path: spec.path }],
  );
  for (const { name, path } of model) {
    const value = flags[name];
    if (value !== undefined) setPath(doc, parsePath(path), value);
  }
  try {
    return parseConfig(doc);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    // The flag that sets `path`, or the list `path` is an item of.
    const flagAt = (path: string) => model.find((f) => path === f.path || path.startsWith(`${f.path}[`) || path.startsWith(`${f.path}.`))?.flag;
    const order = (flag: string) => {
      const index = model.findIndex((f) => f.flag === flag);
      return index < 0 ? model.length : index;
    };
    // A message that mentions another place ("collides with admin.listen") names its flag instead.
    const naming = (message: string) => model.reduce((text, f) => text.replaceAll(f.path, f.flag), message);
    const problems = error.problems.map((p) => ({ path: flagAt(p.path) ?? p.path, message: naming(p.message) }));
    throw new ConfigError(problems.sort((a, b) => order(a.path) - order(b.path)));
  }
}

function setPath(doc: Record<PathKey, unknown>, keys: readonly PathKey[], value: unknown): void {
  let node = doc;
  keys.forEach((key, i) => {
    if (i === keys.length - 1) node[key] = value;
    else node = (node[key] ??= typeof keys[i + 1] === 'number' ? [] : {}) as Record<PathKey, unknown>;
  });
}
