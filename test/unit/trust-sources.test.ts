// Trust sources (`bundled`, `system`, paths) and trust stores built from them.
import t from 'tap';
import { rootCertificates } from 'node:tls';
import { join } from 'node:path';
import { DISTRIBUTION_TRUST_PATHS, loadTrustSource, loadTrustStore } from '../../src/trust/index.js';
import { ErrorCodes } from '../../src/errors.js';
import { fingerprints, makePki, write } from '../helpers/pki-files.js';

const a = await makePki('ec-p256', 'A');
const b = await makePki('ec-p256', 'B');
const c = await makePki('ec-p256', 'C');
const NO_SYSTEM = { bundles: ['/nonexistent/bundle.pem'], directory: '/nonexistent/certs' };

t.test('bundled is Node\'s built-in roots, labelled bundled', async (t) => {
  const { certificates, warnings } = await loadTrustSource('bundled', {});
  t.equal(certificates.length, rootCertificates.length);
  t.ok(certificates.every((cert) => cert.source === 'bundled'));
  t.same(warnings, []);
});

t.test('system honours SSL_CERT_FILE and a colon-separated SSL_CERT_DIR from the env passed in', async (t) => {
  const dir = t.testdir({ one: {}, two: {} });
  const file = write(dir, 'bundle.pem', a.root.pem);
  write(join(dir, 'one'), 'b.pem', b.root.pem);
  write(join(dir, 'two'), 'c.pem', c.root.pem + a.root.pem);
  const env = { SSL_CERT_FILE: file, SSL_CERT_DIR: `${join(dir, 'one')}:${join(dir, 'two')}` };
  const both = await loadTrustSource('system', env, NO_SYSTEM);
  t.same(fingerprints(both.certificates), fingerprints([a.root.certificate, b.root.certificate, c.root.certificate]));
  t.equal(both.certificates[0]?.source, file);
  const fileOnly = await loadTrustSource('system', { SSL_CERT_FILE: file, SSL_CERT_DIR: '' }, NO_SYSTEM);
  t.same(fingerprints(fileOnly.certificates), [a.root.certificate.fingerprint]);
  const dirOnly = await loadTrustSource('system', { SSL_CERT_DIR: join(dir, 'one') }, NO_SYSTEM);
  t.same(fingerprints(dirOnly.certificates), [b.root.certificate.fingerprint]);
});

t.test('an SSL_CERT_FILE that does not exist is an error naming it, not a silent fallback', async (t) => {
  const missing = join(t.testdir(), 'missing.pem');
  await t.rejects(loadTrustSource('system', { SSL_CERT_FILE: missing }), { code: ErrorCodes.FILE_UNREADABLE, file: missing });
});

t.test('without the variables: the first distribution bundle that exists, else the directory', async (t) => {
  const dir = t.testdir({ certs: {} });
  const second = write(dir, 'second.pem', b.root.pem);
  write(dir, 'third.pem', c.root.pem);
  write(join(dir, 'certs'), 'a.pem', a.root.pem);
  const paths = { bundles: [join(dir, 'first.pem'), second, join(dir, 'third.pem')], directory: join(dir, 'certs') };
  const fromBundle = await loadTrustSource('system', {}, paths);
  t.same(fingerprints(fromBundle.certificates), [b.root.certificate.fingerprint]);
  t.equal(fromBundle.certificates[0]?.source, second);
  const fromDirectory = await loadTrustSource('system', {}, { bundles: [join(dir, 'first.pem')], directory: join(dir, 'certs') });
  t.same(fingerprints(fromDirectory.certificates), [a.root.certificate.fingerprint]);
});

t.test('no system store at all: no certificates and a warning that says where it looked', async (t) => {
  const { certificates, warnings } = await loadTrustSource('system', {}, NO_SYSTEM);
  t.same(certificates, []);
  t.match(warnings, [{ file: 'system', message: /no system trust bundle found \(looked at \/nonexistent\/bundle\.pem, \/nonexistent\/certs\); set SSL_CERT_FILE or SSL_CERT_DIR/ }]);
});

t.test('the default distribution paths are the usual ones, most common first', async (t) => {
  t.equal(DISTRIBUTION_TRUST_PATHS.bundles[0], '/etc/ssl/certs/ca-certificates.crt');
  t.equal(DISTRIBUTION_TRUST_PATHS.directory, '/etc/ssl/certs');
});

t.test('a path source is a file or a directory', async (t) => {
  const dir = t.testdir({ roots: {} });
  const file = write(dir, 'a.pem', a.root.pem);
  write(join(dir, 'roots'), 'b.pem', b.root.pem);
  t.same(fingerprints((await loadTrustSource(file, {})).certificates), [a.root.certificate.fingerprint]);
  t.same(fingerprints((await loadTrustSource(join(dir, 'roots'), {})).certificates), [b.root.certificate.fingerprint]);
});

t.test('a trust store is the union of its sources, each anchor once', async (t) => {
  const dir = t.testdir();
  const first = write(dir, 'first.pem', a.root.pem + b.root.pem);
  const second = write(dir, 'second.pem', b.root.pem + c.root.pem);
  const { store, warnings } = await loadTrustStore({ name: 'public', required: true, sources: [first, second] }, {});
  t.equal(store.name, 'public');
  t.equal(store.required, true);
  t.equal(store.anchors.size, 3);
  t.ok(store.anchors.has(c.root.certificate));
  t.notOk(store.anchors.has(a.intermediate.certificate));
  t.same(warnings, []);
});

t.test('a required store with no anchors is E_EMPTY_TRUST_STORE naming the store and its sources', async (t) => {
  const dir = t.testdir({ empty: {} });
  const empty = join(dir, 'empty');
  await t.rejects(loadTrustStore({ name: 'cluster', required: true, sources: [empty, 'system'] }, {}, NO_SYSTEM), {
    code: ErrorCodes.EMPTY_TRUST_STORE,
    message: /^trust store "cluster" has no anchors \(sources: \/.*\/empty, system\); it is required/,
  });
  await t.rejects(loadTrustStore({ name: 'nothing', required: true, sources: [] }, {}), { code: ErrorCodes.EMPTY_TRUST_STORE, message: /sources: none/ });
});

t.test('an optional store with no anchors loads, with the source warnings and its own', async (t) => {
  const dir = t.testdir({ empty: {} });
  const empty = join(dir, 'empty');
  const { store, warnings } = await loadTrustStore({ name: 'legacy', required: false, sources: [empty] }, {});
  t.equal(store.anchors.size, 0);
  t.same(warnings, [
    { file: empty, message: 'directory holds no certificate' },
    { file: empty, message: `trust store "legacy" has no anchors (sources: ${empty}); no chain will validate for it` },
  ]);
});
