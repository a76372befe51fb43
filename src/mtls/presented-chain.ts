// The certificates a TLS peer sent, as Certificates. Node links them by issuer
// (getPeerCertificate(true)); for verification the order does not matter, since the engine
// builds the path itself from leaf and pool.
import type { TLSSocket } from 'node:tls';
import { Certificate } from '../pki/certificate.js';

interface DetailedPeer {
  raw?: Buffer;
  fingerprint256?: string;
  issuerCertificate?: DetailedPeer;
}

/** Leaf first; empty when the peer sent no certificate. Undecodable certificates are dropped. */
export function presentedChain(socket: TLSSocket): Certificate[] {
  const out: Certificate[] = [];
  const seen = new Set<string>();
  let peer = socket.getPeerCertificate(true) as DetailedPeer | null;
  while (peer?.raw && peer.fingerprint256 && !seen.has(peer.fingerprint256)) {
    seen.add(peer.fingerprint256);
    try {
      out.push(Certificate.fromDer(peer.raw));
    } catch {
      if (out.length === 0) return [];
    }
    peer = peer.issuerCertificate ?? null;
  }
  return out;
}
