// A listener's decision on a client certificate: verified with the chain engine against the
// listener's client CAs, then the allow-list. Logged with the reason; the client learns only
// that the connection closed.
import type { TLSSocket } from 'node:tls';
import type { Logger } from 'pino';
import { presentedChain } from '../mtls/presented-chain.js';
import type { PeerIdentity } from '../mtls/peer-identity.js';
import { verifyPeer } from '../mtls/verify-peer.js';
import type { VerifiedPeers } from '../mtls/verified-peers.js';
import type { PeerCheck } from '../net/tls-listener.js';
import type { SignatureVerifier } from '../pki/signatures.js';
import type { RateLimiter } from '../runtime/rate-limit.js';
import type { ClientAuthState } from '../tls/snapshot.js';
import type { ProxyDeps } from './proxy.js';

export interface ClientAuthContext {
  readonly clientAuth: ClientAuthState | undefined;
  readonly verified: VerifiedPeers<PeerIdentity>;
}

export function checkClientCertificate(
  socket: TLSSocket,
  context: ClientAuthContext,
  verifier: SignatureVerifier,
  deps: Pick<ProxyDeps, 'clock'>,
  log: Logger,
  limiter: RateLimiter,
): PeerCheck<PeerIdentity> {
  const { clientAuth, verified } = context;
  if (!clientAuth) return { peer: undefined };
  const presented = presentedChain(socket);
  if (presented.length === 0) {
    return clientAuth.mode === 'require' ? { refuse: 'client_cert_missing', detail: 'no client certificate, and one is required' } : { peer: undefined };
  }
  if (socket.isSessionReused()) {
    // A resumed session shows the leaf only; it stands if that leaf was verified in full before.
    const known = verified.get(presented[0]!.fingerprint, clientAuth.peer.key, deps.clock.now());
    return known ? { peer: known } : { refuse: 'client_cert_rejected', detail: `${presented[0]!.label}: resumed session of a certificate not verified under the current trust` };
  }
  const decision = verifyPeer(presented, clientAuth.peer, deps.clock.now(), verifier, () => deps.clock.monotonic());
  if (!decision.ok) return { refuse: 'client_cert_rejected', detail: `${presented[0]!.label}: ${decision.detail}` };
  const leaf = decision.identity.chain[0]!;
  verified.remember(leaf.fingerprint, clientAuth.peer.key, leaf.facts?.notAfter ?? 0, decision.identity);
  if (limiter.admit(`accept:${leaf.fingerprint}`) !== undefined) {
    log.info({ event: 'client_cert_accepted', subject: leaf.facts?.subject, fingerprint: leaf.fingerprint, allowedBy: decision.identity.allowedBy, remote: socket.remoteAddress }, 'client certificate accepted');
  }
  return { peer: decision.identity };
}
