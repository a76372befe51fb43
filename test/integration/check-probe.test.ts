// The admin /probe endpoint, in process: startAdminServer with probe wired to probeTarget and a
// trust policy the test swaps as a reload would. Peers are real TLS servers replaying 2021.
// The chain series are there when verification fails (unlike blackbox_exporter#1119); each
// probe starts from a fresh registry; bad targets are 400s, unreachable ones a probe result.
import t from 'tap';
import net from 'node:net';
import { startAdminServer } from '../../src/admin/server.js';
import { noopMetrics } from '../../src/admin/metrics.js';
import { AnchorSet } from '../../src/chain/anchors.js';
import type { TrustPolicy } from '../../src/chain/policy.js';
import { probeTarget } from '../../src/check/probe.js';
import { configFromServeFlags } from '../../src/config/index.js';
import { createIncidentPki, writeIncidentFiles } from '../../src/demo/incident-pki.js';
import type { Issued } from '../../src/pki/generate.js';
import { CachingSignatureVerifier } from '../../src/pki/signatures.js';
import { systemClock } from '../../src/runtime/clock.js';
import { silentLogger } from '../../src/runtime/logger.js';
import { generateTicketKeys } from '../../src/tls/secure-context.js';
import { ServingState } from '../../src/tls/serving-state.js';
import { presentChain } from '../helpers/check-peers.js';
import { listen } from '../helpers/sockets.js';

function policyOf(stores: { name: string; required: boolean; anchors: Issued[] }[]): TrustPolicy {
  return {
    stores: stores.map((s) => ({ name: s.name, required: s.required, anchors: new AnchorSet(s.anchors.map((a) => a.certificate)) })),
    distrust: new Set(),
    horizonMs: 0,
    prefer: [],
    maxDepth: 8,
  };
}

/** Samples by series (`name{labels}`), comment lines left out. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const cut = line.lastIndexOf(' ');
    out.set(line.slice(0, cut), Number(line.slice(cut + 1)));
  }
  return out;
}

const seconds = (issued: Issued): number => Math.floor(issued.certificate.requireFacts().notAfter / 1000);

t.test('/probe: chain-aware series for good and stale chains, 400s, unreachable peers', async (t) => {
  const pki = await createIncidentPki({ now: Date.now() });
  const bothStores = policyOf([
    { name: 'modern', required: true, anchors: [pki.newRoot] },
    { name: 'legacy', required: false, anchors: [pki.oldRoot] },
  ]);
  let policy = bothStores;
  const admin = await startAdminServer('127.0.0.1', 0, {
    metrics: noopMetrics,
    readiness: () => ({ ready: true, detail: {} }),
    chains: () => ({}),
    probe: (params) => probeTarget(params, { policy: () => policy, clock: systemClock, verifier: new CachingSignatureVerifier(), timeoutMs: 2_000 }),
  });
  t.teardown(() => admin.close());
  const probe = async (query: string) => {
    const res = await fetch(`http://127.0.0.1:${admin.address.port}/probe?${query}`);
    return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
  };

  const fresh = await presentChain(t, pki.leaf, [pki.leaf, pki.r3ByNewRoot]);
  const good = await probe(`target=127.0.0.1:${fresh}&servername=db-a.cluster.test`);
  t.equal(good.status, 200);
  t.match(good.type, /^text\/plain; version=0\.0\.4/);
  const g = samples(good.text);
  t.equal(g.get('rechain_probe_success'), 1, 'the required store accepts');
  t.equal(g.get('rechain_probe_chain_valid{store="modern"}'), 1);
  t.equal(g.get('rechain_probe_chain_valid{store="legacy"}'), 0, 'an optional store may reject');
  t.equal(g.get('rechain_probe_chain_expiry_timestamp_seconds'), seconds(pki.leaf), 'the leaf expires first on the path modern clients use');
  t.equal(g.get('rechain_probe_tls_version_info{version="TLSv1.3"}'), 1);
  t.equal(g.get('rechain_probe_chain_problems{code="removed_root"}'), 1, 'legacy clients head for ISRG Root X1, which they lack');
  t.equal(g.get('rechain_probe_chain_problems{code="wrong_order"}'), 0, 'every code is present, at 0 when absent');
  t.ok(g.get('rechain_probe_duration_seconds')! > 0);

  const staleness = await presentChain(t, pki.leaf, [pki.leaf, pki.r3ByOldRoot]);
  const stale = samples((await probe(`target=127.0.0.1:${staleness}&servername=db-a.cluster.test`)).text);
  t.equal(stale.get('rechain_probe_success'), 0, 'the required store rejects');
  t.equal(stale.get('rechain_probe_chain_valid{store="modern"}'), 0, 'chain series are emitted when verification fails');
  t.equal(stale.get('rechain_probe_chain_valid{store="legacy"}'), 1);
  t.equal(stale.get('rechain_probe_chain_expiry_timestamp_seconds'), seconds(pki.oldRoot), 'legacy clients use DST, which expires first');
  t.equal(stale.get('rechain_probe_chain_problems{code="removed_root"}'), 1);

  // A reload changes the policy: the next probe uses it.
  policy = policyOf([{ name: 'isrg-only', required: true, anchors: [pki.newRoot] }]);
  const reloaded = samples((await probe(`target=127.0.0.1:${fresh}&servername=db-a.cluster.test`)).text);
  t.same([...reloaded.keys()].filter((k) => k.startsWith('rechain_probe_chain_valid')), ['rechain_probe_chain_valid{store="isrg-only"}']);
  t.equal(reloaded.get('rechain_probe_chain_problems{code="name_mismatch"}'), 0);
  const mismatch = samples((await probe(`target=127.0.0.1:${fresh}&servername=other.test`)).text);
  t.equal(mismatch.get('rechain_probe_chain_problems{code="name_mismatch"}'), 1, 'servername is the name checked');
  t.equal(mismatch.get('rechain_probe_success'), 0);
  policy = bothStores;

  for (const [query, message] of [
    ['', /^target: missing/],
    ['target=db-a.cluster.test', /^target: "db-a\.cluster\.test" has no port/],
    [`target=127.0.0.1:${fresh}&servername=*.test`, /^servername: "\*\.test" is not a host name/],
  ] as const) {
    const bad = await probe(query);
    t.equal(bad.status, 400, `?${query}: 400`);
    t.match(bad.text, message);
  }

  // Accepts TCP and closes at once: no handshake, a failed probe, still a 200 with metrics.
  const closing = await listen(t, net.createServer((socket) => socket.destroy()));
  const failed = await probe(`target=127.0.0.1:${closing}`);
  t.equal(failed.status, 200);
  const f = samples(failed.text);
  t.equal(f.get('rechain_probe_success'), 0);
  t.ok(f.has('rechain_probe_duration_seconds'));
  t.notOk([...f.keys()].some((k) => k.startsWith('rechain_probe_chain_')), 'a fresh registry: no chain series without a chain');
  t.match(failed.text, /^# probe failed: TLS connection to 127\.0\.0\.1:\d+ failed: /m, 'the reason, as a comment');
});

t.test('/probe wired as the proxy wires it: the serving state\'s trust policy', async (t) => {
  const pki = await createIncidentPki({ now: Date.now() });
  const files = await writeIncidentFiles(pki, t.testdir());
  const config = configFromServeFlags({ cert: files.staleBundle, key: files.key, pool: [files.pool], trust: [files.trustNew] }, { listener: false });
  const verifier = new CachingSignatureVerifier();
  const state = new ServingState({ config, env: {}, clock: systemClock, verifier, metrics: noopMetrics, logger: silentLogger(), ticketKeys: generateTicketKeys() });
  await state.start();
  const admin = await startAdminServer('127.0.0.1', 0, {
    metrics: noopMetrics,
    readiness: () => ({ ready: true, detail: {} }),
    chains: () => ({}),
    probe: (params) => probeTarget(params, { policy: () => state.trustPolicy, clock: systemClock, verifier }),
  });
  t.teardown(() => admin.close());

  const port = await presentChain(t, pki.leaf, [pki.leaf, pki.r3ByOldRoot]);
  const res = await fetch(`http://127.0.0.1:${admin.address.port}/probe?target=127.0.0.1:${port}&servername=db-a.cluster.test`);
  const s = samples(await res.text());
  t.equal(s.get('rechain_probe_chain_valid{store="default"}'), 0, 'the store serve loaded (ISRG Root X1 only) rejects the stale chain');
  t.equal(s.get('rechain_probe_success'), 0);
});
