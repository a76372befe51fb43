import t from 'tap';
import { parseConfig } from '../../src/config/parse.js';
import type { HttpListenerConfig, TcpListenerConfig } from '../../src/config/types.js';
import { minimalDoc } from '../helpers/config.js';

const HEX = 'ab'.repeat(32);

t.test('the minimal document gets every default', async (t) => {
  const config = parseConfig(minimalDoc());
  t.equal(config.admin, undefined, 'no admin server unless asked');
  t.same(config.log, { level: 'info' });
  t.same(config.trust, {
    stores: [{ name: 'public', required: true, sources: [{ kind: 'system' }] }],
    distrust: [],
    horizonMs: 0,
    prefer: [],
    maxDepth: 8,
    aia: false,
  });
  t.same(config.certificates, [
    { name: 'db', cert: '/etc/rechain/tls.crt', key: '/etc/rechain/tls.key', passwordFile: undefined, pool: [], names: [] },
  ]);
  t.same(config.listeners, [
    {
      mode: 'tcp',
      name: 'main',
      listen: { host: '0.0.0.0', port: 6380 },
      backend: { host: '127.0.0.1', port: 6379 },
      certificate: 'db',
      tls: { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.3', ciphers: undefined },
      clientAuth: { mode: 'none', ca: [], allow: { fingerprints: [], spki: [], sans: [] } },
      routes: [],
      alpn: [],
      proxyProtocol: false,
    },
  ]);
  t.same(config.connectors, []);
  t.same(config.limits, {
    handshakeTimeoutMs: 10_000,
    idleTimeoutMs: 0,
    maxConnections: 10_000,
    connectTimeoutMs: 5_000,
    backendTimeoutMs: 60_000,
    drainTimeoutMs: 30_000,
  });
  t.same(config.reload, { debounceMs: 500, intervalMs: 3_600_000 });
});

t.test('the model is deeply frozen and the input is left alone', async (t) => {
  const doc = minimalDoc();
  const config = parseConfig(doc);
  t.ok(Object.isFrozen(config));
  t.ok(Object.isFrozen(config.listeners[0]!.listen));
  t.ok(Object.isFrozen(config.trust.stores[0]!.sources));
  t.notOk(Object.isFrozen(doc.trust.stores[0].sources), 'the caller document is not frozen');
  t.throws(() => {
    (config.trust as { horizonMs: number }).horizonMs = 1;
  }, TypeError);
});

t.test('trust: sources, distrust, horizon and prefer are normalized', async (t) => {
  const doc = minimalDoc();
  doc.trust = {
    stores: [
      { name: 'modern', sources: ['system', 'bundled', './anchors.pem', '/etc/ssl/certs/'] },
      { name: 'legacy', required: false, sources: ['legacy.pem'] },
    ],
    distrust: [`sha256:${HEX.toUpperCase()}`, HEX.match(/../g)!.join(':'), 'CD'.repeat(32)],
    horizon: '30d',
    prefer: ['ISRG Root X1', `sha256:${'CD'.repeat(32)}`, `SHA256:${'ef:'.repeat(31)}ef`],
    maxDepth: 4,
    aia: true,
  };
  const { trust } = parseConfig(doc);
  t.same(trust.stores[0]!.sources, [{ kind: 'system' }, { kind: 'bundled' }, { kind: 'path', path: './anchors.pem' }, { kind: 'path', path: '/etc/ssl/certs/' }]);
  t.equal(trust.stores[1]!.required, false);
  t.same(trust.distrust, [HEX, 'cd'.repeat(32)], 'lowercase hex, prefix and colons removed, duplicates dropped');
  t.equal(trust.horizonMs, 30 * 86_400_000);
  t.same(trust.prefer, [
    { kind: 'name', commonName: 'ISRG Root X1' },
    { kind: 'spki', sha256: 'cd'.repeat(32) },
    { kind: 'spki', sha256: 'ef'.repeat(32) },
  ]);
  t.equal(trust.maxDepth, 4);
  t.equal(trust.aia, true);
});

t.test('routes inherit the listener certificate and backend; names are lowercase', async (t) => {
  const doc = minimalDoc();
  doc.certificates.push({ name: 'api', cert: 'api.crt', key: 'api.key', names: ['API.example.com', '2001:DB8::1'] });
  doc.listeners[0] = {
    name: 'edge',
    listen: '[::]:443',
    backend: '127.0.0.1:8080',
    certificate: 'db',
    routes: [
      { names: ['API.Example.com'], certificate: 'api', backend: '[::1]:8443' },
      { names: ['*.apps.example.com'] },
    ],
  };
  const config = parseConfig(doc);
  const listener = config.listeners[0]!;
  t.same(listener.listen, { host: '::', port: 443 });
  t.same(listener.routes, [
    { names: ['api.example.com'], certificate: 'api', backend: { host: '::1', port: 8443 } },
    { names: ['*.apps.example.com'], certificate: 'db', backend: { host: '127.0.0.1', port: 8080 } },
  ]);
  t.same(config.certificates[1]!.names, ['api.example.com', '2001:db8::1']);
});

t.test('a listener may omit certificate when only one exists, and backend when routes have them', async (t) => {
  const doc = minimalDoc();
  doc.listeners[0] = { name: 'sni', listen: '0.0.0.0:443', routes: [{ names: ['a.test'], backend: 'a:1' }] };
  const listener = parseConfig(doc).listeners[0]!;
  t.equal(listener.certificate, 'db');
  t.equal(listener.backend, undefined, 'connections no route takes are closed');
});

t.test('client authentication: require once a CA is given; allow lists normalized', async (t) => {
  const doc = minimalDoc();
  doc.listeners[0].clientAuth = {
    ca: ['clients.pem'],
    allow: {
      fingerprints: [HEX.toUpperCase()],
      spki: [`sha256:${HEX}`],
      sans: ['*.Svc.Cluster.test', 'spiffe://cluster.test/ns/prod/*', 'Ops@Example.COM', '*@example.com', '10.0.0.1'],
    },
  };
  const { clientAuth } = parseConfig(doc).listeners[0]!;
  t.equal(clientAuth.mode, 'require');
  t.same(clientAuth.ca, ['clients.pem']);
  t.same(clientAuth.allow, {
    fingerprints: [HEX],
    spki: [HEX],
    sans: [
      { kind: 'dns', pattern: '*.svc.cluster.test' },
      { kind: 'uri', pattern: 'spiffe://cluster.test/ns/prod/*' },
      { kind: 'email', pattern: 'Ops@example.com' },
      { kind: 'email', pattern: '*@example.com' },
      { kind: 'ip', pattern: '10.0.0.1' },
    ],
  });
  doc.listeners[0].clientAuth.mode = 'request';
  t.equal(parseConfig(doc).listeners[0]!.clientAuth.mode, 'request', 'an explicit mode wins');
});

t.test('tcp listeners carry alpn and proxyProtocol; http listeners forwardClientCert', async (t) => {
  const tcpDoc = minimalDoc();
  Object.assign(tcpDoc.listeners[0], { alpn: ['h2', 'http/1.1'], proxyProtocol: true, tls: { minVersion: 'TLSv1.3', ciphers: 'ECDHE+AESGCM' } });
  const tcp = parseConfig(tcpDoc).listeners[0] as TcpListenerConfig;
  t.same([tcp.mode, tcp.alpn, tcp.proxyProtocol], ['tcp', ['h2', 'http/1.1'], true]);
  t.same(tcp.tls, { minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3', ciphers: 'ECDHE+AESGCM' });
  t.notOk('forwardClientCert' in tcp);

  const httpDoc = minimalDoc();
  httpDoc.listeners[0].mode = 'http';
  const plain = parseConfig(httpDoc).listeners[0] as HttpListenerConfig;
  t.same(plain.forwardClientCert, { enabled: false, details: ['Hash', 'Subject', 'URI', 'DNS'] }, 'off without client certificates');
  t.notOk('alpn' in plain);

  httpDoc.listeners[0].clientAuth = { mode: 'request', ca: ['ca.pem'] };
  const mtls = parseConfig(httpDoc).listeners[0] as HttpListenerConfig;
  t.same(mtls.forwardClientCert, { enabled: true, details: ['Hash', 'Subject', 'URI', 'DNS'] }, 'on when client certificates are requested');
  httpDoc.listeners[0].forwardClientCert = { details: ['Hash', 'Cert', 'Chain'] };
  t.same((parseConfig(httpDoc).listeners[0] as HttpListenerConfig).forwardClientCert.details, ['Hash', 'Cert', 'Chain']);
});

t.test('connectors: servername, verify stores and names default from the target', async (t) => {
  const doc = minimalDoc();
  doc.trust.stores.push({ name: 'cluster', sources: ['cluster.pem'] });
  doc.connectors = [
    { name: 'by-name', listen: '127.0.0.1:17000', target: 'Ledger.Cluster.test:7443' },
    { name: 'by-ip', listen: '127.0.0.1:17001', target: '[2001:db8::7]:7443', certificate: 'db' },
    {
      name: 'explicit',
      listen: '127.0.0.1:17002',
      target: '10.0.0.7:7443',
      servername: 'Ledger.cluster.test',
      tls: { maxVersion: 'TLSv1.2' },
      verify: { stores: ['cluster'], names: ['ledger.cluster.test', '10.0.0.7'], allow: { sans: ['spiffe://cluster.test/ns/ledger/sa/ledger'] } },
    },
  ];
  const [byName, byIp, explicit] = parseConfig(doc).connectors;
  t.equal(byName!.servername, 'ledger.cluster.test');
  t.same(byName!.verify, { stores: ['public', 'cluster'], names: ['ledger.cluster.test'], allow: { fingerprints: [], spki: [], sans: [] } });
  t.equal(byName!.certificate, undefined);
  t.equal(byIp!.servername, undefined, 'no SNI for an IP target');
  t.same(byIp!.verify.names, ['2001:db8::7'], 'the IP must be in the peer leaf');
  t.equal(byIp!.certificate, 'db');
  t.equal(explicit!.servername, 'ledger.cluster.test');
  t.same(explicit!.verify.stores, ['cluster']);
  t.same(explicit!.verify.names, ['ledger.cluster.test', '10.0.0.7']);
  t.same(explicit!.verify.allow.sans, [{ kind: 'uri', pattern: 'spiffe://cluster.test/ns/ledger/sa/ledger' }]);
  t.same(explicit!.tls.maxVersion, 'TLSv1.2');
});

t.test('a connector-only document needs no certificate and no listener', async (t) => {
  const config = parseConfig({
    trust: { stores: [{ name: 'cluster', sources: ['cluster.pem'] }] },
    connectors: [{ name: 'out', listen: '127.0.0.1:0', target: 'peer.test:443' }],
  });
  t.same([config.certificates, config.listeners, config.connectors.length], [[], [], 1]);
});

t.test('certificates and trust alone are a model (what explain reads)', async (t) => {
  const doc = minimalDoc();
  delete doc.listeners;
  const config = parseConfig(doc);
  t.same([config.certificates.length, config.listeners, config.connectors], [1, [], []]);
});

t.test('admin, log, limits and reload', async (t) => {
  const doc = minimalDoc();
  Object.assign(doc, {
    admin: { listen: '[::1]:9090' },
    log: { level: 'debug' },
    limits: { handshakeTimeout: '5s', idleTimeout: '15m', maxConnections: 1, connectTimeout: '250ms', backendTimeout: '0s', drainTimeout: '1m30s' },
    reload: { debounce: '0s', interval: '0s' },
  });
  const config = parseConfig(doc);
  t.same(config.admin, { listen: { host: '::1', port: 9090 } });
  t.equal(config.log.level, 'debug');
  t.same(config.limits, {
    handshakeTimeoutMs: 5_000,
    idleTimeoutMs: 900_000,
    maxConnections: 1,
    connectTimeoutMs: 250,
    backendTimeoutMs: 0,
    drainTimeoutMs: 90_000,
  });
  t.same(config.reload, { debounceMs: 0, intervalMs: 0 });
});
