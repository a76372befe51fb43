// The shape of a configuration file, as TypeBox: the single source of truth for the JSON Schema
// in config/rechain.schema.json, for ajv's validation, and (via Static) for the raw types that
// build.ts reads. Cross-field rules (references, modes, conflicts) live in checks.ts.
import { Type, type Static, type TSchema, type TString } from '@sinclair/typebox';
import { DEFAULTS } from './defaults.js';
import type { StringFormatName } from './formats.js';
import { CLIENT_AUTH_MODES, LISTENER_MODES, LOG_LEVELS, TLS_VERSIONS, XFCC_DETAILS } from './types.js';
import { NAME_PATTERN } from './patterns.js';


function stringEnum<const T extends readonly string[]>(values: T, options: { description: string; default?: T[number] }) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}

function formatted(format: StringFormatName, description: string, extra: { default?: string; examples?: string[] } = {}): TString {
  return Type.String({ format, description, ...extra });
}

function list<T extends TSchema>(items: T, description: string, extra: { minItems?: number; uniqueItems?: boolean } = {}) {
  return Type.Array(items, { description, ...extra });
}

const Path = Type.String({ minLength: 1, description: 'A file or directory path' });
const Name = (description: string) => Type.String({ pattern: NAME_PATTERN, maxLength: 63, description });
const NameRef = (description: string) => Type.String({ minLength: 1, description });
const closed = { additionalProperties: false } as const;

const Sha256 = formatted('rechain-sha256', 'SHA-256 in hex; an optional sha256: prefix and colons are allowed');

const AllowSchema = Type.Object(
  {
    fingerprints: Type.Optional(list(Sha256, 'SHA-256 of an allowed peer certificate (DER)')),
    spki: Type.Optional(list(Sha256, 'SHA-256 of an allowed peer public key (SubjectPublicKeyInfo)')),
    sans: Type.Optional(
      list(
        formatted('rechain-san-pattern', 'DNS name, URI (spiffe://...), email or IP; exact or wildcard'),
        'Allowed subjectAltNames of the peer certificate',
      ),
    ),
  },
  { ...closed, description: 'A peer certificate must match one entry; empty lists allow any verified certificate' },
);

const TlsSchema = Type.Object(
  {
    minVersion: Type.Optional(stringEnum(TLS_VERSIONS, { description: 'Oldest TLS version accepted', default: DEFAULTS.minVersion })),
    maxVersion: Type.Optional(stringEnum(TLS_VERSIONS, { description: 'Newest TLS version offered', default: DEFAULTS.maxVersion })),
    ciphers: Type.Optional(Type.String({ minLength: 1, description: "OpenSSL cipher list; default: Node's" })),
  },
  closed,
);

const StoreSchema = Type.Object(
  {
    name: Name('Store (client population) name, used in metrics and reports'),
    required: Type.Optional(Type.Boolean({ description: 'The served chain must validate for this store', default: DEFAULTS.storeRequired })),
    sources: list(Type.String({ minLength: 1, description: 'system, bundled, or a file or directory path' }), 'Where the anchors come from', {
      minItems: 1,
    }),
  },
  closed,
);

const TrustSchema = Type.Object(
  {
    stores: list(StoreSchema, 'Trust stores: the client populations served', { minItems: 1 }),
    distrust: Type.Optional(list(Sha256, 'SHA-256 of a certificate (DER) or key (SPKI) never to serve')),
    horizon: Type.Optional(
      formatted('rechain-duration', 'Every certificate on the path must stay valid until now + horizon', {
        default: DEFAULTS.horizon,
        examples: ['30d'],
      }),
    ),
    prefer: Type.Optional(list(formatted('rechain-prefer-root', 'Root common name, or sha256:<SPKI hex>'), 'Preferred roots, most preferred first')),
    maxDepth: Type.Optional(Type.Integer({ minimum: 0, maximum: 32, description: 'Most intermediates between leaf and anchor', default: DEFAULTS.maxDepth })),
    aia: Type.Optional(Type.Boolean({ description: 'Fetch missing intermediates from AIA caIssuers URLs', default: DEFAULTS.aia })),
  },
  closed,
);

const CertificateSchema = Type.Object(
  {
    name: Name('Certificate name, referenced by listeners, routes and connectors'),
    cert: Type.String({ minLength: 1, description: 'PEM bundle (leaf first) or PKCS#12 (.p12/.pfx) file' }),
    key: Type.Optional(Type.String({ minLength: 1, description: 'PEM private key; omitted with PKCS#12' })),
    passwordFile: Type.Optional(Type.String({ minLength: 1, description: 'File holding the PKCS#12 or key password' })),
    pool: Type.Optional(list(Path, 'Files or directories of candidate intermediates')),
    names: Type.Optional(list(formatted('rechain-peer-name', 'Host name or IP address'), 'Names the leaf must cover')),
  },
  closed,
);

const ClientAuthSchema = Type.Object(
  {
    mode: Type.Optional(stringEnum(CLIENT_AUTH_MODES, { description: 'Default: require when ca is set, else none' })),
    ca: Type.Optional(list(Path, 'Files or directories of client CA certificates')),
    allow: Type.Optional(AllowSchema),
  },
  closed,
);

const ForwardClientCertSchema = Type.Object(
  {
    enabled: Type.Optional(Type.Boolean({ description: 'Default: true when client certificates are requested' })),
    details: Type.Optional(
      list(stringEnum(XFCC_DETAILS, { description: 'An X-Forwarded-Client-Cert field' }), 'Fields sent to the backend', {
        minItems: 1,
        uniqueItems: true,
      }),
    ),
  },
  { ...closed, description: 'HTTP mode: the verified client identity in X-Forwarded-Client-Cert (Envoy format)' },
);

const RouteSchema = Type.Object(
  {
    names: list(formatted('rechain-host-pattern', 'SNI name: exact or *.wildcard'), 'SNI names this route answers', { minItems: 1 }),
    certificate: Type.Optional(NameRef("Certificate served; default: the listener's")),
    backend: Type.Optional(formatted('rechain-address', "Backend HOST:PORT; default: the listener's")),
  },
  closed,
);

const ListenerSchema = Type.Object(
  {
    name: Name('Listener name, used in metrics and logs'),
    listen: formatted('rechain-listen-address', 'HOST:PORT to accept TLS on; port 0 picks a free port'),
    mode: Type.Optional(stringEnum(LISTENER_MODES, { description: 'tcp forwards bytes; http proxies HTTP/1.1', default: DEFAULTS.mode })),
    backend: Type.Optional(formatted('rechain-address', 'Plaintext backend HOST:PORT for connections no route takes')),
    certificate: Type.Optional(NameRef('Default certificate; may be omitted when exactly one is configured')),
    alpn: Type.Optional(list(Type.String({ minLength: 1, maxLength: 255 }), 'TCP mode: ALPN protocols offered', { uniqueItems: true })),
    proxyProtocol: Type.Optional(Type.Boolean({ description: 'TCP mode: send a PROXY v2 header to the backend', default: DEFAULTS.proxyProtocol })),
    tls: Type.Optional(TlsSchema),
    clientAuth: Type.Optional(ClientAuthSchema),
    forwardClientCert: Type.Optional(ForwardClientCertSchema),
    routes: Type.Optional(list(RouteSchema, 'Routes by SNI name; an exact name wins over a wildcard')),
  },
  closed,
);

const VerifySchema = Type.Object(
  {
    stores: Type.Optional(list(NameRef('A trust store name'), 'The peer must validate for one of these; default: every store', { minItems: 1 })),
    names: Type.Optional(
      list(formatted('rechain-peer-name', 'Host name or IP address'), "Names the peer's leaf must cover; default: servername or the target host", {
        minItems: 1,
      }),
    ),
    allow: Type.Optional(AllowSchema),
  },
  closed,
);

const ConnectorSchema = Type.Object(
  {
    name: Name('Connector name, used in metrics and logs'),
    listen: formatted('rechain-listen-address', 'Plaintext HOST:PORT to accept on'),
    target: formatted('rechain-address', 'TLS peer HOST:PORT to connect to'),
    servername: Type.Optional(formatted('rechain-host-name', 'SNI sent to the peer; default: the target host unless it is an IP')),
    certificate: Type.Optional(NameRef('Client certificate presented to the peer; default: none')),
    tls: Type.Optional(TlsSchema),
    verify: Type.Optional(VerifySchema),
  },
  closed,
);

const LimitsSchema = Type.Object(
  {
    handshakeTimeout: Type.Optional(formatted('rechain-positive-timeout', 'Longest TLS handshake', { default: DEFAULTS.limits.handshakeTimeout })),
    idleTimeout: Type.Optional(formatted('rechain-timeout', 'Close connections idle this long; 0s = never', { default: DEFAULTS.limits.idleTimeout })),
    maxConnections: Type.Optional(Type.Integer({ minimum: 1, description: 'Open connections per listener', default: DEFAULTS.limits.maxConnections })),
    connectTimeout: Type.Optional(formatted('rechain-positive-timeout', 'Longest backend or peer connect', { default: DEFAULTS.limits.connectTimeout })),
    backendTimeout: Type.Optional(
      formatted('rechain-timeout', "HTTP mode: longest wait for the backend's response headers; 0s = none", {
        default: DEFAULTS.limits.backendTimeout,
      }),
    ),
    drainTimeout: Type.Optional(formatted('rechain-timeout', 'On SIGTERM, time left for open connections', { default: DEFAULTS.limits.drainTimeout })),
  },
  closed,
);

const ReloadSchema = Type.Object(
  {
    debounce: Type.Optional(formatted('rechain-timeout', 'Quiet time after a file change before recomputing', { default: DEFAULTS.reload.debounce })),
    interval: Type.Optional(formatted('rechain-timeout', 'Periodic recompute; 0s = none', { default: DEFAULTS.reload.interval })),
  },
  closed,
);

export const ConfigSchema = Type.Object(
  {
    admin: Type.Optional(
      Type.Object({ listen: formatted('rechain-listen-address', 'HOST:PORT of /metrics, /healthz, /readyz, /chains') }, { ...closed, description: 'Absent: no admin server' }),
    ),
    log: Type.Optional(Type.Object({ level: Type.Optional(stringEnum(LOG_LEVELS, { description: 'Log level', default: DEFAULTS.logLevel })) }, closed)),
    trust: TrustSchema,
    certificates: Type.Optional(list(CertificateSchema, 'Served (and client) certificates; at least one when listeners are configured')),
    listeners: Type.Optional(list(ListenerSchema, 'TLS listeners (rechain serve)')),
    connectors: Type.Optional(list(ConnectorSchema, 'Plaintext-in, TLS-out connectors (rechain connect)')),
    limits: Type.Optional(LimitsSchema),
    reload: Type.Optional(ReloadSchema),
  },
  {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'rechain configuration',
    description: 'A TLS-terminating proxy that computes the certificate chain it serves from a trust policy.',
    ...closed,
  },
);

export type RawConfig = Static<typeof ConfigSchema>;
export type RawStore = Static<typeof StoreSchema>;
export type RawCertificate = Static<typeof CertificateSchema>;
export type RawListener = Static<typeof ListenerSchema>;
export type RawRoute = Static<typeof RouteSchema>;
export type RawClientAuth = Static<typeof ClientAuthSchema>;
export type RawAllow = Static<typeof AllowSchema>;
export type RawTls = Static<typeof TlsSchema>;
export type RawConnector = Static<typeof ConnectorSchema>;

/** The JSON Schema text committed as config/rechain.schema.json. */
export function configJsonSchemaText(): string {
  return `${JSON.stringify(ConfigSchema, null, 2)}\n`;
}
