// September 2021 from the outside: a node serves leaf + R3 signed by DST Root CA X3, whose
// clients trust ISRG Root X1 only. check says why they fail (the chain heads for a root they do
// not hold), proposes leaf + R3 signed by ISRG Root X1 given the pool, tells a store that still
// holds DST apart from one that does not, and flags DST when the policy distrusts it.
import t, { type Test } from 'tap';
import path from 'node:path';
import { writeFileSync } from 'node:fs';
import { createIncidentPki, writeIncidentFiles } from '../../src/demo/incident-pki.js';
import { check, checkJson, presentChain, problemCodes } from '../helpers/check-peers.js';

const DST = 'CN=DST Root CA X3, O=Digital Signature Trust Co.';

async function incident(t: Test) {
  const pki = await createIncidentPki({ now: Date.now() });
  const files = await writeIncidentFiles(pki, t.testdir());
  const port = await presentChain(t, pki.leaf, [pki.leaf, pki.r3ByOldRoot]);
  return { pki, files, target: `127.0.0.1:${port}` };
}

t.test('trusting ISRG Root X1 only: rejected; with the pool, removed_root and leaf + R3 by ISRG', async (t) => {
  const { pki, files, target } = await incident(t);
  const args = [target, '--servername', 'db-a.cluster.test', '--trust', files.trustNew];

  const alone = await checkJson(args);
  t.equal(alone.code, 1);
  t.match(alone.view.stores, [{ store: 'default', accepted: false, reasons: [{ reason: 'issuer_not_found', value: DST }] }]);
  // Without the pool nothing tells a missing intermediate from a root the store lacks.
  t.match(alone.view.problems, [{ code: 'incomplete_chain', value: DST, completedByPool: false }]);

  const pooled = await checkJson([...args, '--pool', files.pool]);
  t.equal(pooled.code, 1);
  t.same(problemCodes(pooled.view), ['removed_root@default']);
  t.match(pooled.view.problems[0], { value: DST, blocking: true });
  t.notOk(pooled.view.problems[0]!.certificate, 'DST itself is in neither the store nor the pool');
  t.same(
    pooled.view.proposal.served.map((c) => c.fingerprint),
    [pki.leaf.certificate.fingerprint, pki.r3ByNewRoot.certificate.fingerprint],
    'rechain would serve leaf + R3 signed by ISRG Root X1',
  );
  t.equal(pooled.view.proposal.verdicts[0]?.anchor?.name, 'ISRG Root X1');

  const human = await check([...args, '--pool', files.pool]);
  t.match(human.stdout, `removed_root (store default): the chain heads for ${DST}, which this store does not hold`);
});

t.test('a modern and a legacy store: the modern one lacks DST (removed_root), the legacy one accepts', async (t) => {
  const { pki, files, target } = await incident(t);
  const config = path.join(files.dir, 'rechain.yaml');
  writeFileSync(
    config,
    [
      'trust:',
      '  horizon: 30d',
      '  stores:',
      `    - { name: modern, sources: ["${files.trustNew}"] }`,
      `    - { name: legacy, required: false, sources: ["${files.trustOld}"] }`,
      '',
    ].join('\n'),
  );
  const { code, view } = await checkJson([target, '--servername', 'db-a.cluster.test', '--config', config]);
  t.equal(code, 1, 'the required store rejects');
  t.match(view.stores, [
    { store: 'modern', required: true, accepted: false },
    { store: 'legacy', required: false, accepted: true },
  ]);
  t.same(view.stores[1]!.path.map((c) => c.name), ['db-a.cluster.test', 'R3', 'DST Root CA X3']);
  t.same(problemCodes(view), ['removed_root@modern', 'expires_within_horizon@legacy', 'expires_within_horizon@legacy']);
  t.match(view.problems[0], { certificate: /^DST Root CA X3 /, fingerprint: pki.oldRoot.certificate.fingerprint, blocking: true });
  t.match(view.problems.slice(1), [
    { certificate: /^R3 /, blocking: false },
    { certificate: /^DST Root CA X3 /, blocking: false },
  ], 'the optional store\'s problems are reported, not counted');
});

t.test('a store that still holds DST, with DST distrusted: accepted by its clients, distrusted_root', async (t) => {
  const { pki, files, target } = await incident(t);
  const { code, view } = await checkJson([
    target, '--servername', 'db-a.cluster.test', '--trust', files.trustOld, '--distrust', pki.oldRoot.certificate.fingerprint, '--pool', files.pool,
  ]);
  t.equal(code, 1);
  t.equal(view.stores[0]!.accepted, true, 'a client has no distrust list of ours');
  t.same(problemCodes(view), ['distrusted_root@default']);
  t.match(view.proposal, { valid: false }, 'every path from the pool ends at DST too');
});
