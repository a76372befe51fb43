import t from 'tap';
import { parseConfig } from '../../src/config/parse.js';
import { ConfigError } from '../../src/errors.js';
import { lines, minimalDoc, problemsOf } from '../helpers/config.js';

const problems = (doc: unknown) => lines(problemsOf(() => parseConfig(doc)));

/** A document with two certificates, `db` and `api`. */
function twoCertificates() {
  const doc = minimalDoc();
  doc.certificates.push({ name: 'api', cert: 'api.crt', key: 'api.key' });
  doc.listeners[0].certificate = 'db';
  return doc;
}

t.test('a ConfigError names the file, lists every problem and exits 2', async (t) => {
  const doc = minimalDoc();
  doc.trust.horizon = '30';
  doc.listeners[0].backend = 'db:70000';
  const error = t.throws(() => parseConfig(doc, 'rechain.yaml')) as ConfigError;
  t.type(error, ConfigError);
  t.same([error.code, error.file, error.exitCode], ['E_CONFIG', 'rechain.yaml', 2]);
  t.equal(
    error.message,
    'trust.horizon: "30" needs a unit: write a number and a unit (ms, s, m, h, d) such as 30s or 1h30m; ' +
      'listeners[0].backend: "db:70000": the port must be a number from 1 to 65535',
  );
});

t.test('a document that is not a mapping', async (t) => {
  for (const doc of [null, 'trust', [], 42]) {
    t.same(problems(doc), [': the configuration must be a mapping of options (trust:, certificates:, listeners: ...)'], JSON.stringify(doc));
  }
});

t.test('unknown keys are errors at every level, with a suggestion when one is close', async (t) => {
  const doc = minimalDoc();
  doc.trsut = {};
  doc.trust.horizn = '1d';
  doc.trust.stores[0].require = true;
  doc.listeners[0].bakend = 'x:1';
  doc.listeners[0].tls = { min: 'TLSv1.2' };
  doc.listeners[0].routes = [{ names: ['a.test'], backends: 'a:1' }];
  doc.limits = { 'idle-timeout': '1s' };
  doc.listeners[0].clientAuth = { ca: ['ca.pem'], allow: { 'odd key': [] } };
  t.same(problems(doc), [
    'trsut: is not a known option (did you mean trust?)',
    'trust.horizn: is not a known option (did you mean horizon?)',
    'trust.stores[0].require: is not a known option (did you mean required?)',
    'listeners[0].bakend: is not a known option (did you mean backend?)',
    'listeners[0].tls.min: is not a known option (known here: minVersion, maxVersion, ciphers)',
    'listeners[0].clientAuth.allow["odd key"]: is not a known option (known here: fingerprints, spki, sans)',
    'listeners[0].routes[0].backends: is not a known option (did you mean backend?)',
    'limits.idle-timeout: is not a known option (did you mean idleTimeout?)',
  ]);
});

t.test('shape problems say what a good value looks like', async (t) => {
  const doc = minimalDoc();
  Object.assign(doc, { log: { level: 'verbose' }, admin: { listen: 9090 }, limits: { maxConnections: 0, handshakeTimeout: '0s', idleTimeout: 30 } });
  Object.assign(doc.trust, { maxDepth: 1.5, aia: 'yes', distrust: ['abc'], prefer: ['sha256:xyz'] });
  Object.assign(doc.certificates[0], { name: 'DB', cert: '', pool: '/etc/pool' });
  Object.assign(doc.listeners[0], { mode: 'udp', alpn: ['h2', 'h2'], routes: [{ names: [] }, { names: ['10.0.0.1'] }] });
  delete doc.listeners[0].listen;
  t.same(problems(doc), [
    'admin.listen: must be HOST:PORT such as 0.0.0.0:443 or [::]:443',
    'log.level: "verbose" is not one of trace, debug, info, warn, error, fatal, silent',
    'trust.distrust[0]: "abc" is not a SHA-256: 64 hex digits, optionally with a sha256: prefix and colons, as `openssl x509 -noout -fingerprint -sha256` prints',
    'trust.prefer[0]: "sha256:xyz" is not a SHA-256: 64 hex digits, optionally with a sha256: prefix and colons, as `openssl x509 -noout -fingerprint -sha256` prints',
    'trust.maxDepth: must be a whole number',
    'trust.aia: must be a boolean',
    "certificates[0].name: must use only lowercase letters, digits, '-' and '_'",
    'certificates[0].cert: must not be empty',
    'certificates[0].pool: must be a list (for one entry write [/etc/pool])',
    'listeners[0].listen: is required',
    'listeners[0].mode: "udp" is not one of tcp, http',
    'listeners[0].alpn[1]: repeats item 0',
    'listeners[0].routes[0].names: must list at least one entry',
    'listeners[0].routes[1].names[0]: "10.0.0.1" is an IP address; SNI carries host names only',
    'limits.handshakeTimeout: must be longer than 0s',
    'limits.idleTimeout: must be a duration such as 0s, 30s or 1h30m',
    'limits.maxConnections: must be at least 1',
  ]);
});

t.test('bad durations and addresses are reported with their dotted path', async (t) => {
  const doc = minimalDoc();
  doc.trust.horizon = '1.5d';
  doc.reload = { interval: '30d' };
  doc.listeners[0].listen = '::1:443';
  doc.listeners[0].routes = [{ names: ['a.test'] }, { names: ['b.test'] }, { names: ['c.test'], backend: 'c.internal' }];
  t.same(problems(doc), [
    'trust.horizon: "1.5d" must use whole numbers, as in 1m30s',
    'listeners[0].listen: "::1:443": an IPv6 address needs brackets, as in [::1]:443',
    'listeners[0].routes[2].backend: "c.internal" has no port: write HOST:PORT such as 127.0.0.1:6379, db.internal:5432 or [::1]:443',
    'reload.interval: "30d" is longer than 24d20h31m23s647ms, the longest timer Node can set',
  ]);
});

t.test('names must be unique among stores, certificates, listeners and connectors', async (t) => {
  const doc = minimalDoc();
  doc.trust.stores.push({ name: 'public', sources: ['bundled'] });
  doc.certificates.push({ name: 'db', cert: 'other.crt' });
  doc.listeners[0].certificate = 'db';
  doc.listeners.push({ name: 'main', listen: '0.0.0.0:6381', backend: 'b:1', certificate: 'db' });
  doc.connectors = [
    { name: 'out', listen: '127.0.0.1:1', target: 'x:1' },
    { name: 'out', listen: '127.0.0.1:2', target: 'x:1' },
  ];
  t.same(problems(doc), [
    'trust.stores[1].name: "public" is already the name of trust.stores[0]',
    'certificates[1].name: "db" is already the name of certificates[0]',
    'listeners[1].name: "main" is already the name of listeners[0]',
    'connectors[1].name: "out" is already the name of connectors[0]',
  ]);
});

t.test('references must name a configured certificate or trust store', async (t) => {
  const doc = twoCertificates();
  doc.listeners[0].certificate = 'web';
  doc.listeners[0].routes = [{ names: ['a.test'], certificate: 'apii' }];
  doc.connectors = [{ name: 'out', listen: '127.0.0.1:1', target: 'x:1', certificate: 'client', verify: { stores: ['public', 'cluster'] } }];
  t.same(problems(doc), [
    'listeners[0].certificate: no certificate is named "web" (there are: db, api)',
    'listeners[0].routes[0].certificate: no certificate is named "apii" (there are: db, api)',
    'connectors[0].certificate: no certificate is named "client" (there are: db, api)',
    'connectors[0].verify.stores[1]: no trust store is named "cluster" (there are: public)',
  ]);
});

t.test('a reference with nothing to refer to; a malformed list is not judged by its references', async (t) => {
  const connectorOnly = { trust: minimalDoc().trust, connectors: [{ name: 'out', listen: '127.0.0.1:1', target: 'x:1', certificate: 'client' }] };
  t.same(problems(connectorOnly), ['connectors[0].certificate: no certificate is named "client" (none are configured)']);
  const malformed = minimalDoc();
  malformed.certificates = { name: 'db' };
  malformed.listeners[0].certificate = 'db';
  t.same(problems(malformed), ['certificates: must be a list']);
});

t.test('a listener names its certificate when there are several', async (t) => {
  const doc = twoCertificates();
  delete doc.listeners[0].certificate;
  t.same(problems(doc), ['listeners[0].certificate: is required: 2 certificates are configured (db, api)']);
});

t.test('a listener needs a backend, its own or on every route', async (t) => {
  const doc = minimalDoc();
  delete doc.listeners[0].backend;
  t.same(problems(doc), ['listeners[0].backend: is required: there is no route to send connections to']);
  doc.listeners[0].routes = [{ names: ['a.test'], backend: 'a:1' }, { names: ['b.test'] }, { names: ['c.test'] }];
  t.same(problems(doc), [
    'listeners[0].routes[1].backend: is required: the listener has no default backend',
    'listeners[0].routes[2].backend: is required: the listener has no default backend',
  ]);
});

t.test('an SNI name belongs to one route of a listener', async (t) => {
  const doc = minimalDoc();
  doc.listeners[0].routes = [{ names: ['a.test', '*.b.test'] }, { names: ['c.test', 'A.TEST'] }, { names: ['*.b.test'] }];
  t.same(problems(doc), [
    'listeners[0].routes[1].names[1]: "A.TEST" is already routed by listeners[0].routes[0].names[0]',
    'listeners[0].routes[2].names[0]: "*.b.test" is already routed by listeners[0].routes[0].names[1]',
  ]);
});

t.test('mode-specific options in the wrong mode', async (t) => {
  const doc = minimalDoc();
  doc.listeners[0].forwardClientCert = { enabled: false };
  doc.listeners.push({ name: 'web', listen: '0.0.0.0:8443', backend: 'w:80', mode: 'http', alpn: ['h2'], proxyProtocol: false });
  t.same(problems(doc), [
    'listeners[0].forwardClientCert: is only used in http mode',
    'listeners[1].alpn: is only used in tcp mode (http mode always offers http/1.1)',
    'listeners[1].proxyProtocol: is only used in tcp mode',
  ]);
});

t.test('client authentication that cannot work', async (t) => {
  const doc = minimalDoc();
  const listener = (name: string, port: number, clientAuth: object, extra: object = {}) => ({
    name,
    listen: `0.0.0.0:${port}`,
    backend: 'b:1',
    clientAuth,
    ...extra,
  });
  doc.listeners = [
    listener('require', 1, { mode: 'require' }),
    listener('request', 2, { mode: 'request', ca: [] }),
    listener('none-with-ca', 3, { mode: 'none', ca: ['ca.pem'], allow: { sans: ['*.cluster.test'] } }),
    listener('allow-without-ca', 4, { allow: { fingerprints: ['ab'.repeat(32)], spki: ['cd'.repeat(32)] } }),
    listener('xfcc-without-clients', 5, {}, { mode: 'http', forwardClientCert: { enabled: true } }),
  ];
  t.same(problems(doc), [
    'listeners[0].clientAuth.ca: is required when client authentication is require: client certificates are verified against it',
    'listeners[1].clientAuth.ca: is required when client authentication is request: client certificates are verified against it',
    'listeners[2].clientAuth.ca: has no effect: client authentication mode is none, so no client certificate is requested',
    'listeners[2].clientAuth.allow.sans: has no effect: client authentication mode is none',
    'listeners[3].clientAuth.allow.fingerprints: has no effect: no client CA (ca) is set, so no client certificate is requested',
    'listeners[3].clientAuth.allow.spki: has no effect: no client CA (ca) is set, so no client certificate is requested',
    'listeners[4].forwardClientCert.enabled: has no effect: no client certificate is requested (see clientAuth)',
  ]);
});

t.test('conflicting options: TLS versions, a key beside PKCS#12', async (t) => {
  const doc = minimalDoc();
  doc.listeners[0].tls = { minVersion: 'TLSv1.3', maxVersion: 'TLSv1.2' };
  doc.listeners.push({ name: 'old', listen: '0.0.0.0:2', backend: 'b:1', tls: { maxVersion: 'TLSv1.1' } });
  doc.certificates[0] = { name: 'db', cert: '/etc/rechain/bundle.P12', key: '/etc/rechain/tls.key' };
  doc.connectors = [{ name: 'out', listen: '127.0.0.1:1', target: 'x:1', tls: { minVersion: 'TLSv1.3', maxVersion: 'TLSv1.2' } }];
  t.same(problems(doc), [
    'certificates[0].key: must be omitted: a PKCS#12 file carries its own key',
    'listeners[0].tls.minVersion: conflicts: minVersion TLSv1.3 is newer than maxVersion TLSv1.2',
    'listeners[1].tls.maxVersion: conflicts: minVersion TLSv1.2 is newer than maxVersion TLSv1.1',
    'connectors[0].tls.minVersion: conflicts: minVersion TLSv1.3 is newer than maxVersion TLSv1.2',
  ]);
});

t.test('listening addresses must not collide', async (t) => {
  const doc = minimalDoc();
  doc.admin = { listen: '0.0.0.0:6380' };
  doc.listeners.push({ name: 'dup', listen: '[::]:7000', backend: 'b:1' }, { name: 'ephemeral', listen: '127.0.0.1:0', backend: 'b:1' });
  doc.connectors = [
    { name: 'out', listen: '127.0.0.1:7000', target: 'x:1' },
    { name: 'ephemeral-out', listen: '127.0.0.1:0', target: 'x:1' },
  ];
  t.same(problems(doc), [
    'listeners[0].listen: "0.0.0.0:6380" collides with admin.listen ("0.0.0.0:6380")',
    'connectors[0].listen: "127.0.0.1:7000" collides with listeners[1].listen ("[::]:7000")',
  ]);
});

t.test('listeners need a certificate to serve', async (t) => {
  const bare = minimalDoc();
  bare.certificates = [];
  t.same(problems(bare), ['certificates: at least one is required: every listener serves a certificate']);
});

t.test('all problems together: shape and semantics, across entries', async (t) => {
  const doc = twoCertificates();
  doc.trust.stores[0] = { name: 'public', sourcez: ['system'] };
  doc.trust.horizon = '2 days';
  doc.certificates.push({ name: 'api', cert: 'again.crt' });
  doc.listeners = [
    { name: 'a', listen: '0.0.0.0:443', backend: 'b:99999' },
    { name: 'b', listen: '0.0.0.0:443', mode: 'http', alpn: ['h2'], certificate: 'nope' },
  ];
  doc.connectors = [{ name: 'c', listen: '127.0.0.1:1', target: 'x:1', verify: { stores: ['missing'] } }];
  t.same(problems(doc), [
    'trust.stores[0].sources: is required',
    'trust.stores[0].sourcez: is not a known option (did you mean sources?)',
    'trust.horizon: "2 days" is not a duration at "2 days": write a number and a unit (ms, s, m, h, d) such as 30s or 1h30m',
    'listeners[0].backend: "b:99999": the port must be a number from 1 to 65535',
    'certificates[2].name: "api" is already the name of certificates[1]',
    'listeners[1].certificate: no certificate is named "nope" (there are: db, api)',
    'listeners[1].backend: is required: there is no route to send connections to',
    'listeners[1].alpn: is only used in tcp mode (http mode always offers http/1.1)',
    'connectors[0].verify.stores[0]: no trust store is named "missing" (there are: public)',
  ]);
});

t.test('an entry with a shape problem skips the cross-field rules, and references to it resolve', async (t) => {
  const doc = twoCertificates();
  doc.certificates[1].pool = 'not-a-list';
  doc.listeners[0] = { name: 'main', listen: 'nowhere', certificate: 'unknown' };
  doc.listeners.push({ name: 'api', listen: '0.0.0.0:1', backend: 'b:1', certificate: 'api' });
  t.same(problems(doc), [
    'certificates[1].pool: must be a list (for one entry write [not-a-list])',
    'listeners[0].listen: "nowhere" has no port: write HOST:PORT such as 127.0.0.1:6379, db.internal:5432 or [::1]:443',
  ]);
});

t.test('a connector may not share a listener\'s name (they share the metrics label)', async (t) => {
  const doc = minimalDoc();
  doc.connectors = [{ name: doc.listeners[0].name, listen: '127.0.0.1:7000', target: 'db.test:6380' }];
  const problems = problemsOf(() => parseConfig(doc));
  t.match(problems, [{ path: 'connectors[0].name', message: /already the name of listeners\[0\]/ }]);
});

t.test('a SHA-1 fingerprint where a SHA-256 belongs is named as such', async (t) => {
  const doc = minimalDoc();
  doc.trust.distrust = ['DA:39:A3:EE:5E:6B:4B:0D:32:55:BF:EF:95:60:18:90:AF:D8:07:09'];
  t.match(problems(doc), [/trust\.distrust\[0\]: .* is not a SHA-256 \(this looks like a SHA-1 fingerprint\)/]);
});
