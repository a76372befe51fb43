// The I/O edge of `rechain check` and /probe: connect as a TLS client, without verifying (the
// analysis judges the chain), and take the certificates exactly as the peer sent them.
//
// Node 20 has two ways to read a peer's chain, and only one keeps what was sent:
// - `getPeerCertificate(true)` links certificates by issuer: it reorders them, drops every
//   certificate that is not on the issuer walk from the leaf (with leaf, I1, I2 sent it returns
//   leaf, I2 and loses I1), and appends issuers from the client's own CA store (a leaf + I2
//   sent to a client that holds I1 and the root comes back as leaf, I2, I1, root). Useless for
//   "wrong order", "root included" or "incomplete".
// - `getPeerX509Certificate()` wraps OpenSSL's SSL_get_peer_cert_chain, the list as received,
//   and links `issuerCertificate` in that order. Node builds those links by deleting entries
//   from OpenSSL's own stack, so a second call (or getPeerCertificate after it) sees an empty
//   chain: it is called exactly once, here. test/integration/check-wrong-order.test.ts pins
//   this behaviour.
// Reading the Certificate handshake message off the wire is no alternative: TLS 1.3 encrypts it.
import tls from 'node:tls';
import { formatAddress } from '../config/addresses.js';
import type { Address } from '../config/types.js';
import { ErrorCodes, RechainError } from '../errors.js';
import { Certificate } from '../pki/certificate.js';

export interface FetchOptions {
  readonly target: Address;
  /** SNI; none for an IP address (RFC 6066 forbids IP literals in SNI). */
  readonly servername: string | undefined;
  /** For connect and handshake together. */
  readonly timeoutMs: number;
  /** ALPN protocols to offer; none by default, so servers that require a match still answer. */
  readonly alpn?: readonly string[] | undefined;
}

export interface PresentedChain {
  /** Leaf first, in the order the peer sent them. */
  readonly certificates: readonly Certificate[];
  /** TLSv1.2, TLSv1.3... */
  readonly protocol: string;
  /** The standard (IANA) cipher suite name. */
  readonly cipher: string;
  /** The protocol ALPN agreed on, or undefined. */
  readonly alpn: string | undefined;
}

// Node links one issuer per entry OpenSSL received, so the walk ends; the bound only guards
// against a future Node that links the last certificate to itself, as getPeerCertificate does.
const MAX_PRESENTED = 100;
const CLOSE_GRACE_MS = 1_000;

function presentedCertificates(socket: tls.TLSSocket, where: string): Certificate[] {
  const certificates: Certificate[] = [];
  for (let x = socket.getPeerX509Certificate(); x && certificates.length < MAX_PRESENTED; x = x.issuerCertificate) {
    try {
      certificates.push(Certificate.fromDer(x.raw, `presented by ${where}`));
    } catch (cause) {
      throw new RechainError(ErrorCodes.NETWORK, `${where} sent certificate #${certificates.length + 1} that does not decode: ${(cause as Error).message}`, { cause });
    }
  }
  if (certificates.length === 0) throw new RechainError(ErrorCodes.NETWORK, `${where} sent no certificate`);
  return certificates;
}

export function fetchPresentedChain(options: FetchOptions): Promise<PresentedChain> {
  const where = formatAddress(options.target);
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host: options.target.host,
      port: options.target.port,
      servername: options.servername,
      rejectUnauthorized: false,
      ...(options.alpn?.length ? { ALPNProtocols: [...options.alpn] } : {}),
    });
    const fail = (message: string, cause?: unknown): void => {
      clearTimeout(timer);
      socket.destroy();
      reject(new RechainError(ErrorCodes.NETWORK, message, { cause }));
    };
    const timer = setTimeout(() => fail(`no TLS handshake with ${where} within ${options.timeoutMs} ms`), options.timeoutMs);
    // `on`, not `once`: a reset after the handshake must not become an uncaught error.
    socket.on('error', (e) => fail(`TLS connection to ${where} failed: ${e.message}`, e));
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      try {
        const chain: PresentedChain = {
          certificates: presentedCertificates(socket, where),
          protocol: socket.getProtocol() ?? 'unknown',
          cipher: socket.getCipher().standardName,
          alpn: socket.alpnProtocol || undefined,
        };
        // close_notify, then let the peer close; a peer that never does is cut off after a grace.
        socket.end();
        socket.unref();
        socket.setTimeout(CLOSE_GRACE_MS, () => socket.destroy());
        resolve(chain);
      } catch (e) {
        socket.destroy();
        reject(e);
      }
    });
  });
}
