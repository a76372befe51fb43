// TCP mode: each secure connection is relayed to its route's backend, with an optional
// PROXY v2 header. Wires the forwarder's callbacks to metrics and logs.
import type tls from 'node:tls';
import type { Logger } from 'pino';
import type { ListenerMetrics } from '../admin/metrics.js';
import { formatAddress } from '../config/addresses.js';
import type { LimitsConfig, TcpListenerConfig } from '../config/types.js';
import { buildProxyV2Header, proxyHeaderInfo } from '../net/proxy-protocol.js';
import { forwardTcp } from '../net/tcp-forwarder.js';
import type { ServedConnection } from '../net/tls-listener.js';
import type { RouteTarget } from '../tls/snapshot.js';
import { leafOf, type PeerIdentity } from '../mtls/peer-identity.js';

export function tcpHandler(listener: TcpListenerConfig, limits: LimitsConfig, metrics: ListenerMetrics, logger: Logger) {
  return (socket: tls.TLSSocket, target: RouteTarget, onClosed: () => void, peer: PeerIdentity | undefined): ServedConnection => {
    if (!target.backend) {
      metrics.backendError('no_route');
      logger.warn({ event: 'no_route', servername: socket.servername || undefined }, 'no route for this server name; connection closed');
      socket.destroy();
      onClosed();
      return { close: () => {} };
    }
    const info = listener.proxyProtocol ? proxyHeaderInfo(socket, peer && { commonName: leafOf(peer).facts?.commonNames[0] }) : undefined;
    const forwarding = forwardTcp(socket, {
      backend: target.backend,
      connectTimeoutMs: limits.connectTimeoutMs,
      idleTimeoutMs: limits.idleTimeoutMs,
      ...(info ? { header: buildProxyV2Header(info) } : {}),
      events: {
        onBackendError: (reason, error) => {
          metrics.backendError(reason);
          logger.warn({ event: 'backend_error', backend: formatAddress(target.backend!), reason, error: error.message }, 'backend failed');
        },
        onBytes: (direction, n) => metrics.bytes(direction, n),
        onClose: onClosed,
      },
    });
    return { close: () => forwarding.close() };
  };
}
