// rechain check against a peer that serves a good chain (leaf + intermediate, in order, for
// the name asked): exit 0, the chain as presented, the TLS parameters, and nothing to change.
import t from 'tap';
import { makePki, writePki } from '../helpers/pki-files.js';
import { check, checkJson, presentChain } from '../helpers/check-peers.js';

t.test('a good chain: every store accepts, no problem, exit 0', async (t) => {
  const pki = await makePki();
  const files = writePki(t.testdir(), pki);
  const port = await presentChain(t, pki.leaf, [pki.leaf, pki.intermediate], { alpn: ['h2', 'http/1.1'] });
  const args = [`127.0.0.1:${port}`, '--servername', 'leaf.test', '--trust', files.root, '--alpn', 'h2'];

  const { code, view } = await checkJson(args);
  t.equal(code, 0);
  t.equal(view.ok, true);
  t.same(view.presented.map((c) => c.fingerprint), [pki.leaf.certificate.fingerprint, pki.intermediate.certificate.fingerprint], 'as presented');
  t.match(view.tls, { protocol: 'TLSv1.3', cipher: /^TLS_/, alpn: 'h2' }, 'protocol, cipher and the ALPN agreed are recorded');
  t.equal(view.servername, 'leaf.test');
  t.match(view.stores, [{ store: 'default', required: true, accepted: true, reasons: [] }]);
  t.same(
    view.stores[0]!.path.map((c) => c.name),
    ['leaf.test', 'Test Intermediate', 'Test Root'],
    'the path the client uses, anchor last',
  );
  t.same(view.problems, []);
  t.match(view.proposal, { valid: true, changed: false });

  const human = await check(args);
  t.equal(human.code, 0);
  t.match(human.stdout, /store default \(required\): accepts: leaf\.test \(\w{8}\) -> Test Intermediate \(\w{8}\) -> \[Test Root \(\w{8}\)\]/);
  t.match(human.stdout, /rechain would serve the same chain \(valid for default\)/);
  t.match(human.stdout, /^OK: every required store accepts the chain/m);
});
