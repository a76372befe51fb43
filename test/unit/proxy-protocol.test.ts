import t from 'tap';
import type { TLSSocket } from 'node:tls';
import { buildProxyV2Header, proxyHeaderInfo } from '../../src/net/proxy-protocol.js';
import type { ProxyHeaderInfo } from '../../src/net/proxy-protocol.js';
import { parseProxyV2 } from '../helpers/proxy-v2-parser.js';

const hex = (...parts: string[]): string => parts.join('').replace(/\s+/g, '');
const SIG = '0d0a0d0a000d0a515549540a';

const ipv4 = (address: string, port: number) => ({ address, port, family: 'IPv4' as const });
const ipv6 = (address: string, port: number) => ({ address, port, family: 'IPv6' as const });

t.test('TCP over IPv4, no TLV: signature, 0x21 (v2 PROXY), 0x11, length 12, addresses then ports', async (t) => {
  const header = buildProxyV2Header({ source: ipv4('192.0.2.10', 51234), destination: ipv4('198.51.100.7', 443) });
  t.equal(header.toString('hex'), hex(SIG, '21 11 000c', 'c000020a c6336407', 'c822 01bb'));
});

t.test('TCP over IPv6: 0x21 family byte, 16-byte addresses, length 36', async (t) => {
  const header = buildProxyV2Header({ source: ipv6('2001:db8::1', 1000), destination: ipv6('::1', 8443) });
  t.equal(
    header.toString('hex'),
    hex(SIG, '21 21 0024', '20010db8000000000000000000000001', '00000000000000000000000000000001', '03e8 20fb'),
  );
});

t.test('mixed families go as IPv6 with the IPv4 side mapped (::ffff:a.b.c.d)', async (t) => {
  const header = buildProxyV2Header({ source: ipv4('127.0.0.1', 5000), destination: ipv6('::1', 443) });
  t.equal(
    header.toString('hex'),
    hex(SIG, '21 21 0024', '00000000000000000000ffff7f000001', '00000000000000000000000000000001', '1388 01bb'),
  );
});

t.test('ALPN, AUTHORITY and SSL with a verified client certificate, byte for byte', async (t) => {
  const header = buildProxyV2Header({
    source: ipv4('192.0.2.10', 51234),
    destination: ipv4('198.51.100.7', 443),
    alpn: 'h2',
    sni: 'example.com',
    tls: { version: 'TLSv1.3', clientCertPresented: true, verified: true, commonName: 'client-1' },
  });
  t.equal(
    header.toString('hex'),
    hex(
      SIG,
      '21 11 003c', // 12 address bytes + 48 TLV bytes
      'c000020a c6336407 c822 01bb',
      '01 0002 6832', // PP2_TYPE_ALPN "h2"
      '02 000b 6578616d706c652e636f6d', // PP2_TYPE_AUTHORITY "example.com"
      '20 001a', // PP2_TYPE_SSL, 26 bytes:
      '07', //   client: PP2_CLIENT_SSL | PP2_CLIENT_CERT_CONN | PP2_CLIENT_CERT_SESS
      '00000000', //   verify: 0 = verified
      '21 0007 544c5376312e33', //   PP2_SUBTYPE_SSL_VERSION "TLSv1.3"
      '22 0008 636c69656e742d31', //   PP2_SUBTYPE_SSL_CN "client-1"
    ),
  );
});

t.test('SSL without a client certificate: PP2_CLIENT_SSL only, verify non-zero, version only', async (t) => {
  const header = buildProxyV2Header({
    source: ipv4('10.0.0.1', 1),
    destination: ipv4('10.0.0.2', 2),
    tls: { version: 'TLSv1.2', clientCertPresented: false, verified: false },
  });
  t.equal(
    header.subarray(16 + 12).toString('hex'),
    hex('20 000f', '01', '00000001', '21 0007 544c5376312e32'),
  );
  t.equal(header.readUInt16BE(14), 12 + 18);
});

t.test('an unverified certificate: flags set, verify non-zero, and no CN even if one is known', async (t) => {
  const parsed = parseProxyV2(
    buildProxyV2Header({
      source: ipv4('10.0.0.1', 1),
      destination: ipv4('10.0.0.2', 2),
      tls: { version: 'TLSv1.3', clientCertPresented: true, verified: false, commonName: 'mallory' },
    }),
  );
  t.equal(parsed.ssl?.client, 0x07);
  t.equal(parsed.ssl?.verify, 1);
  t.same([...(parsed.ssl?.sub.keys() ?? [])], [0x21]);
});

t.test('a resumed session: the certificate came with the session, not this connection', async (t) => {
  const parsed = parseProxyV2(
    buildProxyV2Header({
      source: ipv4('10.0.0.1', 1),
      destination: ipv4('10.0.0.2', 2),
      tls: { version: 'TLSv1.3', clientCertPresented: true, verified: true, commonName: 'c', resumed: true },
    }),
  );
  t.equal(parsed.ssl?.client, 0x01 | 0x04);
  t.equal(parsed.ssl?.verify, 0);
});

t.test('the independent parser reads back every field, and a UTF-8 CN and SNI keep their bytes', async (t) => {
  const info: ProxyHeaderInfo = {
    source: ipv6('2001:db8:0:0:0:0:0:42', 40000),
    destination: ipv6('2001:db8::1', 443),
    alpn: 'http/1.1',
    sni: 'bücher.example',
    tls: { version: 'TLSv1.3', clientCertPresented: true, verified: true, commonName: 'Jürgen' },
  };
  const header = buildProxyV2Header(info);
  const parsed = parseProxyV2(Buffer.concat([header, Buffer.from('payload')]));
  t.equal(parsed.headerLength, header.length);
  t.equal(parsed.command, 'PROXY');
  t.equal(parsed.family, 'TCP6');
  t.same(parsed.source, { address: '2001:db8:0:0:0:0:0:42', port: 40000 });
  t.same(parsed.destination, { address: '2001:db8:0:0:0:0:0:1', port: 443 });
  t.same(parsed.tlvTypes, [0x01, 0x02, 0x20]);
  t.equal(parsed.alpn, 'http/1.1');
  t.equal(parsed.authority, 'bücher.example');
  t.equal(parsed.ssl?.sub.get(0x21), 'TLSv1.3');
  t.equal(parsed.ssl?.sub.get(0x22), 'Jürgen');
});

t.test('the parser rejects what the spec tells receivers to reject', async (t) => {
  const good = buildProxyV2Header({ source: ipv4('10.0.0.1', 1), destination: ipv4('10.0.0.2', 2), alpn: 'h2' });
  const with13 = (byte: number): Buffer => Buffer.concat([good.subarray(0, 12), Buffer.from([byte]), good.subarray(13)]);
  t.throws(() => parseProxyV2(good.subarray(0, good.length - 1)), /partial header/);
  t.throws(() => parseProxyV2(with13(0x11)), /version 1/);
  t.throws(() => parseProxyV2(with13(0x22)), /command 2/);
  const overrun = Buffer.from(good);
  overrun.writeUInt16BE(9, good.length - 4); // the ALPN TLV claims more than the header holds
  t.throws(() => parseProxyV2(overrun), /overruns/);
});

// proxyHeaderInfo on a real TLS socket is covered by the TCP forwarder's integration test; these
// cases need addresses a loopback test cannot choose, so the socket is a stand-in.
function socketStub(fields: Partial<Record<keyof TLSSocket, unknown>>): TLSSocket {
  return {
    remoteAddress: '192.0.2.1',
    remotePort: 40000,
    localAddress: '192.0.2.2',
    localPort: 443,
    alpnProtocol: false,
    servername: false,
    authorized: false,
    getPeerCertificate: () => ({}),
    getProtocol: () => 'TLSv1.3',
    isSessionReused: () => false,
    ...fields,
  } as unknown as TLSSocket;
}

t.test('proxyHeaderInfo presents IPv4-mapped addresses of a dual-stack listener as IPv4', async (t) => {
  const info = proxyHeaderInfo(socketStub({ remoteAddress: '::ffff:192.0.2.1', localAddress: '::ffff:192.0.2.2' }));
  t.same(info?.source, { address: '192.0.2.1', port: 40000, family: 'IPv4' });
  t.same(info?.destination, { address: '192.0.2.2', port: 443, family: 'IPv4' });
});

t.test('proxyHeaderInfo keeps real IPv6 addresses, and reports no SNI, ALPN or certificate when absent', async (t) => {
  const info = proxyHeaderInfo(socketStub({ remoteAddress: '2001:db8::7', localAddress: '2001:db8::1' }));
  t.equal(info?.source.family, 'IPv6');
  t.equal(info?.sni, undefined);
  t.equal(info?.alpn, undefined);
  t.same(info?.tls, { version: 'TLSv1.3', clientCertPresented: false, verified: false, commonName: undefined, resumed: false });
});

t.test('proxyHeaderInfo is undefined for a socket that has lost its addresses (closed)', async (t) => {
  t.equal(proxyHeaderInfo(socketStub({ remoteAddress: undefined })), undefined);
});
