// The chain engine against trust graphs written as tables, one scenario each. Every scenario
// names the chain it expects, with row labels: "leaf -> R3(new) -> [ISRG]".
import t from 'tap';
import { computeChain, type ChainRequest } from '../../src/chain/engine.js';
import { CachingSignatureVerifier } from '../../src/pki/signatures.js';
import { Reasons } from '../../src/chain/reasons.js';
import { buildGraph, DAY, policy, type Graph } from '../helpers/trust-graph.js';
import type { TrustPolicy } from '../../src/chain/policy.js';

const verifier = new CachingSignatureVerifier();

type Labels = { leaf?: string; bundle?: string[]; pool?: string[] };

function compute(g: Graph, p: TrustPolicy, req: Labels & Omit<Partial<ChainRequest>, keyof Labels>) {
  return computeChain({
    leaf: g.cert(req.leaf ?? 'leaf'),
    bundle: g.certs(...(req.bundle ?? [])),
    pool: g.certs(...(req.pool ?? [])),
    policy: p,
    purpose: req.purpose ?? 'serverAuth',
    names: req.names ?? [],
    at: req.at ?? g.at,
    verifier,
    ...(req.limits ? { limits: req.limits } : {}),
  });
}

// September 2021: DST Root CA X3 expires in days and has left the trust store; ISRG Root X1
// signs R3, DST signs another R3 with the same key, and DST cross-signs ISRG Root X1.
async function incident2021(dstUntil = 3) {
  return buildGraph('2021-09-27T00:00:00Z', {
    DST: { subject: 'DST Root CA X3', from: -7000, until: dstUntil },
    ISRG: { subject: 'ISRG Root X1', from: -2000, until: 5000 },
    'ISRG(cross)': { subject: 'ISRG Root X1', keyOf: 'ISRG', issuer: 'DST', from: -1000, until: 1100 },
    'R3(old)': { subject: 'R3', issuer: 'DST', from: -380, until: dstUntil, pathLen: 0 },
    'R3(new)': { subject: 'R3', keyOf: 'R3(old)', issuer: 'ISRG', from: -380, until: 1500, pathLen: 0 },
    leaf: { subject: 'db-a.cluster.test', issuer: 'R3(new)', names: ['db-a.cluster.test', 'localhost'], until: 80 },
  });
}

t.test('2021: a stale bundle (R3 by the removed root) is rewritten to R3 by the new root', async (t) => {
  const g = await incident2021();
  const report = compute(g, policy([g.store('modern', ['ISRG'])]), {
    bundle: ['R3(old)'],
    pool: ['R3(old)', 'R3(new)', 'ISRG(cross)'],
    names: [{ kind: 'dns', value: 'db-a.cluster.test' }],
  });
  t.equal(g.chosen(report), 'leaf -> R3(new) -> [ISRG]');
  t.ok(report.valid);
  t.ok(report.rewritten, 'differs from the configured bundle');
  const stale = report.candidates.find((c) => g.candidate(c) === 'leaf -> R3(old) -> [DST]');
  t.notOk(stale, 'DST is in no store, so no path ends there');
  const deadEnd = report.deadEnds.find((d) => g.render(d.certificates) === 'leaf -> R3(old)');
  t.equal(deadEnd?.finding.reason, Reasons.issuerNotFound, 'the stale branch is explained');
});

t.test('2021: the configured stale bundle alone is judged invalid for the modern store', async (t) => {
  const g = await incident2021();
  const report = compute(g, policy([g.store('modern', ['ISRG'])]), { bundle: ['R3(old)'] });
  t.notOk(report.valid);
  t.equal(g.chosen(report), 'invalid: leaf -> R3(old)');
  t.notOk(report.rewritten, 'no valid path: the bundle is served unchanged');
  t.equal(report.servedVerdicts[0]?.findings[0]?.reason, Reasons.issuerNotFound);
});

t.test('the horizon switches roots before expiry: the long chain serves both stores until the old root nears its end', async (t) => {
  const stores = (g: Graph) => [g.store('modern', ['ISRG']), g.store('legacy', ['DST'], false)];
  const pool = ['R3(old)', 'R3(new)', 'ISRG(cross)'];
  const farFromExpiry = await incident2021(60);
  const before = compute(farFromExpiry, policy(stores(farFromExpiry), { horizonMs: 30 * DAY }), { pool });
  t.equal(before.chosen && farFromExpiry.candidate(before.chosen), 'leaf -> R3(new) -> ISRG(cross) -> [DST]');
  t.equal(before.chosen?.optionalCovered, 1, 'legacy clients are covered too');

  const nearExpiry = await incident2021(20);
  const after = compute(nearExpiry, policy(stores(nearExpiry), { horizonMs: 30 * DAY }), { pool });
  t.equal(nearExpiry.chosen(after), 'leaf -> R3(new) -> [ISRG]');
  const legacy = after.candidates.find((c) => nearExpiry.candidate(c) === 'leaf -> R3(new) -> ISRG(cross) -> [DST]');
  t.equal(legacy?.verdicts.find((v) => v.store === 'legacy')?.findings[0]?.reason, Reasons.expiresWithinHorizon);
  t.equal(after.candidates[0]?.separatedBy, 'expiry', 'the winner won on expiry once legacy coverage was gone');
});

t.test('an expired twin of a valid intermediate is passed over', async (t) => {
  const g = await buildGraph('2024-06-01T00:00:00Z', {
    root: {},
    'int(expired)': { subject: 'int', issuer: 'root', from: -400, until: -1 },
    'int(valid)': { subject: 'int', keyOf: 'int(expired)', issuer: 'root', from: -10, until: 400 },
    leaf: { issuer: 'int(valid)', names: ['db.test'] },
  });
  const report = compute(g, policy([g.store('s', ['root'])]), { bundle: ['int(expired)'], pool: ['int(valid)'] });
  t.equal(g.chosen(report), 'leaf -> int(valid) -> [root]');
  const expired = report.candidates.find((c) => g.candidate(c) === 'leaf -> int(expired) -> [root]');
  t.equal(expired?.verdicts[0]?.findings[0]?.reason, Reasons.expired);
});

t.test('a missing intermediate present only in the pool is found', async (t) => {
  const g = await buildGraph('2024-06-01T00:00:00Z', {
    root: {},
    int: { issuer: 'root' },
    leaf: { issuer: 'int', names: ['db.test'] },
  });
  const report = compute(g, policy([g.store('s', ['root'])]), { pool: ['int'] });
  t.equal(g.chosen(report), 'leaf -> int -> [root]');
  t.ok(report.rewritten);
});

t.test('a distrusted root that a store still holds is never served', async (t) => {
  const g = await buildGraph('2024-06-01T00:00:00Z', {
    rootA: {},
    rootB: {},
    'int(A)': { subject: 'int', issuer: 'rootA', until: 900 },
    'int(B)': { subject: 'int', keyOf: 'int(A)', issuer: 'rootB', until: 300 },
    leaf: { issuer: 'int(A)', names: ['db.test'] },
  });
  const store = g.store('s', ['rootA', 'rootB']);
  const trusting = compute(g, policy([store]), { pool: ['int(A)', 'int(B)'] });
  t.equal(g.chosen(trusting), 'leaf -> int(A) -> [rootA]', 'later expiry wins while rootA is trusted');
  const byKey = compute(g, policy([store], { distrust: new Set([g.cert('rootA').spkiSha256]) }), { pool: ['int(A)', 'int(B)'] });
  t.equal(g.chosen(byKey), 'leaf -> int(B) -> [rootB]');
  const rejected = byKey.candidates.find((c) => g.candidate(c) === 'leaf -> int(A) -> [rootA]');
  t.equal(rejected?.verdicts[0]?.findings[0]?.reason, Reasons.distrusted);
  const byCert = compute(g, policy([store], { distrust: new Set([g.cert('int(A)').fingerprint]) }), { pool: ['int(A)', 'int(B)'] });
  t.equal(g.chosen(byCert), 'leaf -> int(B) -> [rootB]', 'distrust by certificate fingerprint');
});

t.test('prefer picks a root by name or by SPKI over a later expiry; the horizon overrides prefer', async (t) => {
  const g = await buildGraph('2024-06-01T00:00:00Z', {
    old: { subject: 'Old Root', until: 20 },
    new: { subject: 'New Root', until: 3000 },
    'int(old)': { subject: 'int', issuer: 'old', until: 20 },
    'int(new)': { subject: 'int', keyOf: 'int(old)', issuer: 'new' },
    leaf: { issuer: 'int(new)', names: ['db.test'], until: 90 },
  });
  const store = g.store('s', ['old', 'new']);
  const pool = ['int(old)', 'int(new)'];
  t.equal(g.chosen(compute(g, policy([store]), { pool })), 'leaf -> int(new) -> [new]', 'no prefer: latest expiry');
  const byName = compute(g, policy([store], { prefer: [{ kind: 'name', commonName: 'Old Root' }] }), { pool });
  t.equal(g.chosen(byName), 'leaf -> int(old) -> [old]');
  t.equal(byName.candidates[0]?.separatedBy, 'prefer');
  const bySpki = compute(g, policy([store], { prefer: [{ kind: 'spki', sha256: g.cert('old').spkiSha256 }] }), { pool });
  t.equal(g.chosen(bySpki), 'leaf -> int(old) -> [old]');
  const horizon = compute(g, policy([store], { prefer: [{ kind: 'name', commonName: 'Old Root' }], horizonMs: 30 * DAY }), { pool });
  t.equal(g.chosen(horizon), 'leaf -> int(new) -> [new]', 'the preferred root fails the horizon');
  t.ok(
    horizon.chosen?.verdicts[0]?.findings.some((f) => f.reason === Reasons.leafExpiresWithinHorizon) === false,
    'a leaf valid for 90 days is not inside a 30-day horizon',
  );
});

t.test('a cycle (A signs B, B signs A) terminates and is explained', async (t) => {
  const g = await buildGraph('2024-06-01T00:00:00Z', {
    root: {},
    'A(self)': { subject: 'A' },
    'B(by A)': { subject: 'B', issuer: 'A(self)' },
    'A(by B)': { subject: 'A', keyOf: 'A(self)', issuer: 'B(by A)' },
    leaf: { issuer: 'A(self)', names: ['db.test'] },
  });
  const report = compute(g, policy([g.store('s', ['root'])]), { pool: ['A(by B)', 'B(by A)'] });
  t.notOk(report.valid);
  t.equal(report.candidates.length, 0);
  t.ok(report.deadEndCount >= 1);
  t.ok(report.budget.steps < 50, `few steps (${report.budget.steps})`);
});

t.test('a leaf inside the horizon is a warning, not an invalid chain', async (t) => {
  const g = await buildGraph('2024-06-01T00:00:00Z', {
    root: { until: 3000 },
    int: { issuer: 'root', until: 2000 },
    leaf: { issuer: 'int', names: ['db.test'], until: 10 },
  });
  const report = compute(g, policy([g.store('s', ['root'])], { horizonMs: 30 * DAY }), { pool: ['int'] });
  t.ok(report.valid);
  t.same(report.chosen?.verdicts[0]?.findings.map((f) => f.reason), [Reasons.leafExpiresWithinHorizon]);
});

t.test('a required store that no path satisfies leaves the bundle in place, with reasons per store', async (t) => {
  const g = await buildGraph('2024-06-01T00:00:00Z', {
    rootA: {},
    rootB: {},
    int: { issuer: 'rootA' },
    leaf: { issuer: 'int', names: ['db.test'] },
  });
  const report = compute(g, policy([g.store('a', ['rootA'], false), g.store('b', ['rootB'], true)]), { pool: ['int'] });
  t.notOk(report.valid);
  t.equal(report.chosen, undefined);
  t.same(
    report.servedVerdicts.map((v) => [v.store, v.valid]),
    [
      ['a', false],
      ['b', false],
    ],
    'the bundle (leaf alone) is judged per store',
  );
  t.equal(report.candidates[0]?.verdicts.find((v) => v.store === 'a')?.valid, true, 'the candidate satisfied only the optional store');
});

t.test('the leaf must cover the requested names and allow the purpose', async (t) => {
  const g = await buildGraph('2024-06-01T00:00:00Z', {
    root: {},
    leaf: { issuer: 'root', names: ['db.test', '10.0.0.7'], eku: ['serverAuth'] },
  });
  const p = policy([g.store('s', ['root'])]);
  t.ok(compute(g, p, { names: [{ kind: 'dns', value: 'DB.test.' }, { kind: 'ip', value: '10.0.0.7' }] }).valid);
  const wrong = compute(g, p, { names: [{ kind: 'dns', value: 'other.test' }] });
  t.equal(wrong.candidates[0]?.verdicts[0]?.findings[0]?.reason, Reasons.nameMismatch);
  const client = compute(g, p, { purpose: 'clientAuth' });
  t.equal(client.candidates[0]?.verdicts[0]?.findings[0]?.reason, Reasons.ekuIncompatible);
});

t.test('a directly trusted self-signed leaf is its own chain', async (t) => {
  const g = await buildGraph('2024-06-01T00:00:00Z', { leaf: { names: ['db.test'], ca: false } });
  const report = compute(g, policy([g.store('s', ['leaf'])]), {});
  t.ok(report.valid);
  t.equal(g.render(report.served), 'leaf');
});

t.test('thousands of unrelated CAs in the pool cost no extra signature checks', async (t) => {
  const rows: Record<string, { subject?: string; keyOf?: string; issuer?: string; names?: string[] }> = { root: {} };
  for (let i = 0; i < 2000; i++) rows[`ca${i}`] = { subject: `Unrelated CA ${i}`, ...(i > 0 ? { keyOf: 'ca0' } : {}) };
  rows.int = { issuer: 'root' };
  rows.leaf = { issuer: 'int', names: ['db.test'] };
  const g = await buildGraph('2024-06-01T00:00:00Z', rows);
  const pool = [...Array.from({ length: 2000 }, (_, i) => `ca${i}`), 'int'];
  const report = compute(g, policy([g.store('s', ['root'])]), { pool });
  t.equal(g.chosen(report), 'leaf -> int -> [root]');
  t.ok(report.budget.signatures <= 4, `signature checks: ${report.budget.signatures}`);
});

t.test('a pathological mesh runs out of budget with a reason instead of hanging', async (t) => {
  // Ten layers of two CAs sharing a subject per layer, each signed by both CAs of the layer
  // above: 2^10 paths, none reaching the anchor.
  const rows: Record<string, { subject?: string; keyOf?: string; issuer?: string; names?: string[]; ca?: boolean }> = {
    root: {},
    'L0a': { subject: 'L0' },
    'L0b': { subject: 'L0' },
  };
  for (let layer = 1; layer <= 10; layer++) {
    for (const side of ['a', 'b']) {
      for (const parent of ['a', 'b']) {
        rows[`L${layer}${side}(${parent})`] = {
          subject: `L${layer}`,
          ...(parent === 'b' ? { keyOf: `L${layer}${side}(a)` } : {}),
          issuer: layer === 1 ? `L0${parent}` : `L${layer - 1}${parent}(a)`,
        };
      }
    }
  }
  rows.leaf = { issuer: 'L10a(a)', names: ['db.test'] };
  const g = await buildGraph('2024-06-01T00:00:00Z', rows);
  const pool = Object.keys(rows).filter((l) => l !== 'leaf' && l !== 'root');
  const report = compute(g, policy([g.store('s', ['root'])], { maxDepth: 30 }), { pool, limits: { steps: 2_000 } });
  t.notOk(report.valid);
  t.equal(report.budget.exhausted, 'steps');
  t.equal(report.rejections[Reasons.budgetExhausted], 1);
});
