// The flags of `rechain connect`: the egress side, plaintext in on --listen, TLS out to
// --target, presenting the client chain the engine computes from --cert/--key/--pool/--trust
// and verifying the peer against the same trust policy.
import { configFromFlags } from './flags.js';
import { CONNECT_FLAGS, type ConnectFlags } from './flag-tables.js';
import type { Config } from './types.js';

export { CONNECT_FLAGS, CONNECT_PARSE_OPTIONS, type ConnectFlags } from './flag-tables.js';

/** One store, one connector, and a client certificate only when --cert is given. */
export function configFromConnectFlags(flags: Omit<ConnectFlags, 'config'>): Config {
  const withCert = flags.cert !== undefined;
  return configFromFlags(CONNECT_FLAGS, flags, {
    trust: { stores: [{ name: 'default', sources: ['system'] }] },
    ...(withCert ? { certificates: [{ name: 'default' }] } : {}),
    connectors: [{ name: 'default', ...(withCert ? { certificate: 'default' } : {}) }],
  });
}
