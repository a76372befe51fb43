import t from 'tap';
import { normalizeSha256, preferRoot } from '../../src/config/fingerprints.js';
import { hostNameProblem, hostPatternProblem, peerNameProblem, sanPattern, sanPatternProblem } from '../../src/config/names.js';
import { formatPath, parsePath, pointerKeys } from '../../src/config/paths.js';

t.test('SNI route names: host names and one-label wildcards, never IPs', async (t) => {
  for (const ok of ['db.cluster.test', 'localhost', '*.cluster.test', 'DB.Cluster.Test']) t.equal(hostPatternProblem(ok), undefined, ok);
  t.match(hostPatternProblem('10.0.0.1') ?? '', /SNI carries host names only/);
  t.match(hostPatternProblem('[::1]') ?? '', /SNI carries host names only/);
  for (const bad of ['*.test', 'a.*.test', '*', 'a..b', 'under_score.test', '-a.test']) t.ok(hostPatternProblem(bad), bad);
});

t.test('a servername is a host name; a name to cover may also be an IP', async (t) => {
  t.equal(hostNameProblem('ledger.cluster.test'), undefined);
  t.match(hostNameProblem('*.cluster.test') ?? '', /is not a host name/);
  t.match(hostNameProblem('10.0.0.7') ?? '', /SNI carries host names only/);
  for (const ok of ['db.test', '10.0.0.7', '2001:db8::7']) t.equal(peerNameProblem(ok), undefined, ok);
  t.match(peerNameProblem('*.db.test') ?? '', /neither a host name nor an IP/);
});

t.test('SAN patterns: the shape decides the kind', async (t) => {
  t.same(sanPattern('*.Svc.Test'), { kind: 'dns', pattern: '*.svc.test' });
  t.same(sanPattern('spiffe://cluster.test/ns/a/sa/b'), { kind: 'uri', pattern: 'spiffe://cluster.test/ns/a/sa/b' });
  t.same(sanPattern('spiffe://cluster.test/*'), { kind: 'uri', pattern: 'spiffe://cluster.test/*' });
  t.same(sanPattern('*@Example.com'), { kind: 'email', pattern: '*@example.com' });
  t.same(sanPattern('::1'), { kind: 'ip', pattern: '::1' });
  for (const bad of ['spiffe://a/*/b', 'spiffe://a b', '://x', 'a@b@c', '@example.com', 'x*@example.com', '*']) t.ok(sanPatternProblem(bad), bad);
  t.throws(() => sanPattern('*'), /unchecked SAN pattern/);
});

t.test('SHA-256 spellings normalize to lowercase hex', async (t) => {
  const hex = '0a'.repeat(32);
  t.equal(normalizeSha256(`SHA256:${hex.toUpperCase()}`), hex);
  t.equal(normalizeSha256(hex.match(/../g)!.join(':')), hex);
  t.equal(normalizeSha256(hex.slice(2)), undefined, '31 bytes');
  t.equal(normalizeSha256(`sha1:${hex}`), undefined);
  t.same(preferRoot('sha256 is not a prefix here'), { kind: 'name', commonName: 'sha256 is not a prefix here' });
  t.throws(() => preferRoot('sha256:nothex'), /unchecked preferred root/);
});

t.test('dotted paths: format, parse back, and from JSON pointers', async (t) => {
  const keys = ['listeners', 0, 'routes', 2, 'backend'];
  t.equal(formatPath(keys), 'listeners[0].routes[2].backend');
  t.same(parsePath('listeners[0].routes[2].backend'), keys);
  t.equal(formatPath(['limits', 'odd key', 'x.y']), 'limits["odd key"]["x.y"]');
  t.same(parsePath('limits["odd key"]["x.y"]'), ['limits', 'odd key', 'x.y']);
  t.same(parsePath('--listen'), [], 'a flag is not a path');
  const doc = { listeners: [{ routes: [{}, {}, { 'a/b': 1, '0': 2 }] }] };
  t.same(pointerKeys('/listeners/0/routes/2/a~1b', doc), ['listeners', 0, 'routes', 2, 'a/b']);
  t.same(pointerKeys('/listeners/0/routes/2/0', doc), ['listeners', 0, 'routes', 2, '0'], 'a numeric key of a mapping stays a key');
  t.same(pointerKeys('', doc), []);
});
