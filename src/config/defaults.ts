// Every default of the configuration, in the form a user writes it. The schema shows them (so
// the JSON Schema and editors tell users), and build.ts applies them: one place for both.
import { DEFAULT_MAX_DEPTH } from '../chain/policy.js';
import type { ClientAuthMode, ListenerMode, LogLevel, TlsVersion, XfccDetail } from './types.js';

export const DEFAULTS = {
  logLevel: 'info' as LogLevel,
  storeRequired: true,
  horizon: '0s',
  maxDepth: DEFAULT_MAX_DEPTH,
  aia: false,
  mode: 'tcp' as ListenerMode,
  minVersion: 'TLSv1.2' as TlsVersion,
  maxVersion: 'TLSv1.3' as TlsVersion,
  proxyProtocol: false,
  xfccDetails: ['Hash', 'Subject', 'URI', 'DNS'] as readonly XfccDetail[],
  limits: {
    handshakeTimeout: '10s',
    idleTimeout: '0s',
    maxConnections: 10_000,
    connectTimeout: '5s',
    backendTimeout: '60s',
    drainTimeout: '30s',
  },
  reload: { debounce: '500ms', interval: '1h' },
} as const;

/**
 * Client authentication defaults to `require` once client CAs are given (as in ghostunnel: a CA
 * without enforcement is almost always a mistake), and to `none` without them.
 */
export function clientAuthMode(raw: { mode?: ClientAuthMode; ca?: readonly string[] } | undefined): ClientAuthMode {
  return raw?.mode ?? ((raw?.ca?.length ?? 0) > 0 ? 'require' : 'none');
}
