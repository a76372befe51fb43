// The pure analysis behind `rechain check` and /probe, against trust graphs written as tables:
// what each store's clients make of a presented list, and which problems are reported.
import t from 'tap';
import { analyzeChain, type ChainCheck } from '../../src/check/analyze.js';
import { CachingSignatureVerifier } from '../../src/pki/signatures.js';
import { buildGraph, policy, type Graph } from '../helpers/trust-graph.js';
import type { TrustPolicy } from '../../src/chain/policy.js';

const verifier = new CachingSignatureVerifier();

// Let's Encrypt after September 2021: R3 by ISRG, and ISRG cross-signed by DST (the long chain).
function letsEncrypt() {
  return buildGraph('2021-10-01T00:00:00Z', {
    DST: { subject: 'DST Root CA X3', from: -7000, until: 1000 },
    ISRG: { subject: 'ISRG Root X1', from: -2000, until: 5000 },
    'ISRG(cross)': { subject: 'ISRG Root X1', keyOf: 'ISRG', issuer: 'DST', from: -1000, until: 1100 },
    'R3(old)': { subject: 'R3', issuer: 'DST', from: -380, until: 300, pathLen: 0 },
    'R3(new)': { subject: 'R3', keyOf: 'R3(old)', issuer: 'ISRG', from: -380, until: 1500, pathLen: 0 },
    leaf: { subject: 'leaf.test', issuer: 'R3(new)', names: ['leaf.test'], until: 80 },
    self: { subject: 'self.test', names: ['self.test'], ca: false, until: 80 },
  });
}

function analyze(g: Graph, p: TrustPolicy, presented: string[], pool: string[] = []): ChainCheck {
  const leaf = g.cert(presented[0]!);
  return analyzeChain({
    presented: g.certs(...presented),
    policy: p,
    names: [{ kind: 'dns', value: leaf.facts!.subjectAltName!.dns[0]! }],
    at: g.at,
    pool: g.certs(...pool),
    verifier,
  });
}

const codes = (c: ChainCheck): string[] => c.problems.map((p) => `${p.code}${p.store ? `@${p.store}` : ''}${p.blocking ? '' : '(optional)'}`);

t.test('the long chain through a cross-sign satisfies a modern and a legacy store at once', async (t) => {
  const g = await letsEncrypt();
  const c = analyze(g, policy([g.store('modern', ['ISRG']), g.store('legacy', ['DST'], false)]), ['leaf', 'R3(new)', 'ISRG(cross)']);
  t.same(c.stores.map((s) => `${s.store}: ${g.render(s.path)}`), ['modern: leaf -> R3(new) -> ISRG', 'legacy: leaf -> R3(new) -> ISRG(cross) -> DST']);
  t.same(codes(c), [], 'in order, and ISRG(cross) is no self-signed root');
  t.ok(c.ok);
  t.notOk(c.proposal.rewritten, 'rechain would serve the same');
});

t.test('problems of an optional store are reported and do not fail the check', async (t) => {
  const g = await letsEncrypt();
  const c = analyze(g, policy([g.store('modern', ['ISRG']), g.store('legacy', ['DST'], false)]), ['leaf', 'R3(new)']);
  t.same(c.stores.map((s) => s.verdict.valid), [true, false]);
  t.same(codes(c), ['removed_root@legacy(optional)'], 'legacy clients head for ISRG Root X1, which modern holds');
  t.equal(g.render(c.problems[0]!.certificate ? [c.problems[0]!.certificate] : []), 'ISRG');
  t.ok(c.ok);
});

t.test('a self-signed root in the pool names the root a store lacks', async (t) => {
  const g = await letsEncrypt();
  const c = analyze(g, policy([g.store('modern', ['ISRG'])]), ['leaf', 'R3(old)'], ['DST']);
  t.same(codes(c), ['removed_root@modern']);
  t.equal(c.problems[0]!.certificate, g.cert('DST'));
  t.notOk(c.ok);
});

t.test('an untrusted root sent along: removed for the store, and included', async (t) => {
  const g = await letsEncrypt();
  const c = analyze(g, policy([g.store('modern', ['ISRG'])]), ['leaf', 'R3(old)', 'DST']);
  t.same(codes(c), ['root_included', 'removed_root@modern']);
  t.equal(c.problems[1]!.certificate, g.cert('DST'));
});

t.test('a self-signed leaf that no store holds: the engine reason only, no root problem', async (t) => {
  const g = await letsEncrypt();
  const c = analyze(g, policy([g.store('modern', ['ISRG'])]), ['self']);
  t.same(codes(c), []);
  t.same(c.stores[0]!.verdict.findings.map((f) => f.reason), ['untrusted_root']);
  t.notOk(c.ok, 'the required store rejects it');
});

t.test('the policy judges the path clients use: distrust and horizon, the anchor included', async (t) => {
  const g = await letsEncrypt();
  const p: TrustPolicy = policy([g.store('legacy', ['DST'])], { distrust: new Set([g.cert('DST').spkiSha256]), horizonMs: 400 * 86_400_000 });
  const c = analyze(g, p, ['leaf', 'R3(old)']);
  t.ok(c.stores[0]!.verdict.valid, 'its clients accept it');
  t.same(codes(c), ['expires_within_horizon@legacy', 'expires_within_horizon@legacy', 'distrusted_root@legacy']);
  t.same(c.problems.map((p) => g.render(p.certificate ? [p.certificate] : [])), ['leaf', 'R3(old)', 'DST']);
});
