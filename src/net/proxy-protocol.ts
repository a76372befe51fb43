// PROXY protocol v2 headers (haproxy doc/proxy-protocol.txt), sent to a TCP backend before any
// client byte so it learns the client's address and TLS facts. The builder is a pure function of
// plain data; `proxyHeaderInfo` reads that data off a TLS socket. Must not import config or the
// chain engine.
import ipaddr from 'ipaddr.js';
import type { TLSSocket } from 'node:tls';

export interface ProxyEndpoint {
  readonly address: string;
  readonly port: number;
  readonly family: 'IPv4' | 'IPv6';
}

export interface ProxyTlsInfo {
  /** As OpenSSL names it: `TLSv1.3`, `TLSv1.2`. */
  readonly version: string;
  /** The client sent a certificate (on this connection, or in the session it resumed). */
  readonly clientCertPresented: boolean;
  /** That certificate was verified. */
  readonly verified: boolean;
  /** The verified certificate's subject CN; only sent when `verified`. */
  readonly commonName?: string | undefined;
  /** The session was resumed: a certificate came from the session, not this connection. */
  readonly resumed?: boolean | undefined;
}

export interface ProxyHeaderInfo {
  readonly source: ProxyEndpoint;
  readonly destination: ProxyEndpoint;
  /** The negotiated ALPN protocol. */
  readonly alpn?: string | undefined;
  /** The SNI server name the client sent. */
  readonly sni?: string | undefined;
  readonly tls?: ProxyTlsInfo | undefined;
}

const SIGNATURE = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);
const VERSION_2_PROXY = 0x21; // version 2 (high nibble), command PROXY (low nibble)
const TCP_OVER_IPV4 = 0x11;
const TCP_OVER_IPV6 = 0x21;

const PP2_TYPE_ALPN = 0x01;
const PP2_TYPE_AUTHORITY = 0x02;
const PP2_TYPE_SSL = 0x20;
const PP2_SUBTYPE_SSL_VERSION = 0x21;
const PP2_SUBTYPE_SSL_CN = 0x22;
const PP2_CLIENT_SSL = 0x01;
const PP2_CLIENT_CERT_CONN = 0x02;
const PP2_CLIENT_CERT_SESS = 0x04;
/** `verify` when no verified certificate: OpenSSL's X509_V_ERR_UNSPECIFIED (the spec only says non-zero). */
const PP2_VERIFY_FAILED = 1;

/** The whole header, in one buffer so it is written in one segment as the spec asks. */
export function buildProxyV2Header(info: ProxyHeaderInfo): Buffer {
  const addresses = addressBlock(info.source, info.destination);
  const tlvs: Buffer[] = [];
  if (info.alpn) tlvs.push(tlv(PP2_TYPE_ALPN, Buffer.from(info.alpn, 'latin1')));
  if (info.sni) tlvs.push(tlv(PP2_TYPE_AUTHORITY, Buffer.from(info.sni, 'utf8')));
  if (info.tls) tlvs.push(sslTlv(info.tls));
  const length = addresses.block.length + tlvs.reduce((sum, b) => sum + b.length, 0);
  const fixed = Buffer.alloc(4);
  fixed[0] = VERSION_2_PROXY;
  fixed[1] = addresses.familyProtocol;
  fixed.writeUInt16BE(length, 2);
  return Buffer.concat([SIGNATURE, fixed, addresses.block, ...tlvs]);
}

// Source and destination share one family byte: when one side is IPv4 and the other IPv6, both
// go as IPv6 with the IPv4 one mapped (::ffff:a.b.c.d), as HAProxy does.
function addressBlock(source: ProxyEndpoint, destination: ProxyEndpoint): { familyProtocol: number; block: Buffer } {
  const v4 = source.family === 'IPv4' && destination.family === 'IPv4';
  const bytes = (e: ProxyEndpoint): number[] => {
    const parsed = ipaddr.parse(e.address);
    if (v4) return parsed.toByteArray();
    return (parsed.kind() === 'ipv4' ? (parsed as ipaddr.IPv4).toIPv4MappedAddress() : parsed).toByteArray();
  };
  const src = bytes(source);
  const dst = bytes(destination);
  const block = Buffer.alloc(src.length * 2 + 4);
  block.set(src, 0);
  block.set(dst, src.length);
  block.writeUInt16BE(source.port, src.length * 2);
  block.writeUInt16BE(destination.port, src.length * 2 + 2);
  return { familyProtocol: v4 ? TCP_OVER_IPV4 : TCP_OVER_IPV6, block };
}

// PP2_TYPE_SSL: client flags (1 byte), verify (4 bytes, 0 = verified certificate), sub-TLVs.
// The version is always sent with PP2_CLIENT_SSL (the spec ties them); the CN only for a
// verified certificate, so a backend never reads an identity nobody checked.
function sslTlv(tls: ProxyTlsInfo): Buffer {
  let client = PP2_CLIENT_SSL;
  if (tls.clientCertPresented) {
    client |= PP2_CLIENT_CERT_SESS;
    if (!tls.resumed) client |= PP2_CLIENT_CERT_CONN;
  }
  const head = Buffer.alloc(5);
  head[0] = client;
  head.writeUInt32BE(tls.clientCertPresented && tls.verified ? 0 : PP2_VERIFY_FAILED, 1);
  const parts = [head, tlv(PP2_SUBTYPE_SSL_VERSION, Buffer.from(tls.version, 'latin1'))];
  if (tls.clientCertPresented && tls.verified && tls.commonName) {
    parts.push(tlv(PP2_SUBTYPE_SSL_CN, Buffer.from(tls.commonName, 'utf8')));
  }
  return tlv(PP2_TYPE_SSL, Buffer.concat(parts));
}

function tlv(type: number, value: Buffer): Buffer {
  const head = Buffer.alloc(3);
  head[0] = type;
  head.writeUInt16BE(value.length, 1);
  return Buffer.concat([head, value]);
}

/**
 * The header data of a handshaken TLS connection, or undefined when the socket has no addresses
 * any more (it closed). A dual-stack listener sees IPv4 clients as ::ffff:a.b.c.d; those are
 * presented as plain IPv4 when both ends are mapped. `verifiedPeer` is the caller's verdict on
 * the client certificate (rechain verifies peers itself, so OpenSSL's `authorized` is not it).
 */
export function proxyHeaderInfo(socket: TLSSocket, verifiedPeer?: { commonName: string | undefined }): ProxyHeaderInfo | undefined {
  const { remoteAddress, remotePort, localAddress, localPort } = socket;
  if (!remoteAddress || remotePort === undefined || !localAddress || localPort === undefined) return undefined;
  let source = endpoint(remoteAddress, remotePort);
  let destination = endpoint(localAddress, localPort);
  const mapped = (e: ProxyEndpoint): boolean => e.family === 'IPv6' && ipaddr.IPv6.parse(e.address).isIPv4MappedAddress();
  if (mapped(source) && mapped(destination)) {
    source = endpoint(ipaddr.IPv6.parse(source.address).toIPv4Address().toString(), source.port);
    destination = endpoint(ipaddr.IPv6.parse(destination.address).toIPv4Address().toString(), destination.port);
  }
  const peer = socket.getPeerCertificate();
  const clientCertPresented = peer !== null && Object.keys(peer).length > 0;
  const servername = (socket as TLSSocket & { servername?: string | false }).servername;
  return {
    source,
    destination,
    alpn: socket.alpnProtocol || undefined,
    sni: servername || undefined,
    tls: {
      version: socket.getProtocol() ?? 'unknown',
      clientCertPresented,
      verified: clientCertPresented && verifiedPeer !== undefined,
      commonName: verifiedPeer?.commonName,
      resumed: socket.isSessionReused(),
    },
  };
}

function endpoint(address: string, port: number): ProxyEndpoint {
  return { address, port, family: ipaddr.IPv4.isValidFourPartDecimal(address) ? 'IPv4' : 'IPv6' };
}
