// Expiry seen from outside: every certificate on the path a client uses, the anchor included,
// must stay valid for the horizon (expires_within_horizon); --at moves the judgement in time,
// and past an expiry the client rejects the chain outright.
import t from 'tap';
import { issue } from '../../src/pki/generate.js';
import { write } from '../helpers/pki-files.js';
import { checkJson, DAY, presentChain, problemCodes } from '../helpers/check-peers.js';

/** Root, intermediate and leaf valid for the given days from now. */
async function pkiUntil(days: { root: number; intermediate: number; leaf: number }) {
  const now = Date.now();
  const from = new Date(now - DAY);
  const root = await issue({ subject: 'Root', ca: true, notBefore: from, notAfter: new Date(now + days.root * DAY) });
  const intermediate = await issue({ subject: 'Intermediate', issuer: root, ca: true, notBefore: from, notAfter: new Date(now + days.intermediate * DAY) });
  const leaf = await issue({ subject: 'leaf.test', issuer: intermediate, names: ['leaf.test'], notBefore: from, notAfter: new Date(now + days.leaf * DAY) });
  return { root, intermediate, leaf };
}

t.test('an intermediate expiring inside the horizon', async (t) => {
  const pki = await pkiUntil({ root: 365, intermediate: 10, leaf: 60 });
  const root = write(t.testdir(), 'root.pem', pki.root.pem);
  const port = await presentChain(t, pki.leaf, [pki.leaf, pki.intermediate]);
  const args = [`127.0.0.1:${port}`, '--servername', 'leaf.test', '--trust', root];

  t.equal((await checkJson(args)).code, 0, 'without a horizon it is fine');
  const { code, view } = await checkJson([...args, '--horizon', '30d']);
  t.equal(code, 1);
  t.equal(view.stores[0]!.accepted, true, 'clients accept it today');
  t.same(problemCodes(view), ['expires_within_horizon@default']);
  t.match(view.problems[0], { certificate: /^Intermediate /, value: new Date(pki.intermediate.certificate.requireFacts().notAfter).toISOString() });

  const later = await checkJson([...args, '--at', new Date(Date.now() + 15 * DAY).toISOString()]);
  t.equal(later.code, 1, 'after the intermediate expired');
  t.match(later.view.stores, [{ accepted: false, reasons: [{ reason: 'expired', certificate: /^Intermediate / }] }]);
});

t.test('an anchor expiring inside the horizon counts too', async (t) => {
  const pki = await pkiUntil({ root: 20, intermediate: 365, leaf: 60 });
  const root = write(t.testdir(), 'root.pem', pki.root.pem);
  const port = await presentChain(t, pki.leaf, [pki.leaf, pki.intermediate]);

  const { code, view } = await checkJson([`127.0.0.1:${port}`, '--servername', 'leaf.test', '--trust', root, '--horizon', '30d']);
  t.equal(code, 1);
  t.same(problemCodes(view), ['expires_within_horizon@default']);
  t.match(view.problems[0], { certificate: /^Root /, fingerprint: pki.root.certificate.fingerprint });
});
