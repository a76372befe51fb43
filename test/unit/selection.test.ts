// What metrics say about a served chain: the expiry covers every anchor its clients reach, and
// the root named is a required store's.
import t from 'tap';
import { computeChain } from '../../src/chain/engine.js';
import { CachingSignatureVerifier } from '../../src/pki/signatures.js';
import { servedChainMetrics, servedExpiry } from '../../src/tls/selection.js';
import { buildGraph, policy } from '../helpers/trust-graph.js';

t.test('a long chain that serves two stores expires with the earliest anchor either store reaches', async (t) => {
  const g = await buildGraph('2021-09-01T00:00:00Z', {
    DST: { subject: 'DST Root CA X3', from: -7000, until: 29 },
    ISRG: { subject: 'ISRG Root X1', from: -2000, until: 5000 },
    'ISRG(cross)': { subject: 'ISRG Root X1', keyOf: 'ISRG', issuer: 'DST', from: -1000, until: 1100 },
    R3: { issuer: 'ISRG', from: -380, until: 1500, pathLen: 0 },
    leaf: { subject: 'db', issuer: 'R3', names: ['db.test'], until: 80 },
  });
  const report = computeChain({
    leaf: g.cert('leaf'),
    bundle: [],
    pool: g.certs('R3', 'ISRG(cross)'),
    policy: policy([g.store('modern', ['ISRG']), g.store('legacy', ['DST'], false)]),
    purpose: 'serverAuth',
    names: [],
    at: g.at,
    verifier: new CachingSignatureVerifier(),
  });
  t.equal(g.chosen(report), 'leaf -> R3 -> ISRG(cross) -> [ISRG]', 'the long chain, covering legacy too');
  t.equal(servedExpiry(report), g.cert('DST').facts!.notAfter, 'DST, reached by legacy clients, expires first');
  const m = servedChainMetrics(report);
  t.equal(m.root, 'ISRG Root X1', 'the root label is the required store\'s');
  t.same([...m.valid], [
    ['modern', true],
    ['legacy', true],
  ]);
  t.equal(m.length, 3);
});
