// A peer that sends its leaf alone. No client can reach the root: incomplete_chain, exit 1.
// Given the intermediate with --pool, check says the pool completes it and proposes leaf +
// intermediate, the chain rechain would serve.
import t from 'tap';
import { makePki, writePki, write } from '../helpers/pki-files.js';
import { check, checkJson, presentChain, problemCodes } from '../helpers/check-peers.js';

t.test('leaf only: incomplete, the pool completes it, the proposal is leaf + intermediate', async (t) => {
  const pki = await makePki();
  const dir = t.testdir();
  const files = writePki(dir, pki);
  const pool = write(dir, 'pool.pem', pki.intermediate.pem);
  const port = await presentChain(t, pki.leaf, [pki.leaf]);
  const args = [`127.0.0.1:${port}`, '--servername', 'leaf.test', '--trust', files.root];

  const alone = await checkJson(args);
  t.equal(alone.code, 1);
  t.match(alone.view.stores, [{ accepted: false, path: [], reasons: [{ reason: 'issuer_not_found', certificate: /^leaf\.test / }] }]);
  t.same(problemCodes(alone.view), ['incomplete_chain@default']);
  t.match(alone.view.problems[0], { certificate: /^leaf\.test /, value: 'CN=Test Intermediate', completedByPool: false, blocking: true });
  t.match(alone.view.proposal, { valid: false, changed: false });

  const pooled = await checkJson([...args, '--pool', pool]);
  t.equal(pooled.code, 1, 'what is served is still incomplete');
  t.match(pooled.view.problems, [{ code: 'incomplete_chain', completedByPool: true }]);
  t.match(pooled.view.proposal, { valid: true, changed: true });
  t.same(
    pooled.view.proposal.served.map((c) => c.fingerprint),
    [pki.leaf.certificate.fingerprint, pki.intermediate.certificate.fingerprint],
    'rechain would serve leaf + intermediate',
  );

  const human = await check([...args, '--pool', pool]);
  t.match(human.stdout, /store default \(required\): REJECTS the chain\n\s+no issuer of leaf\.test \(\w{8}\) is in the pool or the store/);
  t.match(human.stdout, /incomplete_chain \(store default\): the presented certificates stop at leaf\.test \(\w{8}\), whose issuer \(CN=Test Intermediate\) was not sent; the pool has it/);
  t.match(human.stdout, /rechain would serve instead: leaf\.test \(\w{8}\) -> Test Intermediate \(\w{8}\) -> \[Test Root \(\w{8}\)\]/);
  t.match(human.stdout, /^FAIL: 1 required store\(s\) reject the chain, 1 blocking problem\(s\)$/m);
});
