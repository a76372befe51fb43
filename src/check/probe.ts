// GET /probe?target=HOST:PORT[&servername=NAME]: a chain-aware blackbox probe. Like
// blackbox_exporter, each probe fills a fresh registry, so one target's series never leak into
// another's scrape. Unlike it (prometheus/blackbox_exporter#1119), the chain series are emitted
// when verification fails too: that is when they matter. The trust policy is the running
// proxy's, read once per probe, so a reload applies to the next probe.
import { Gauge, Registry } from 'prom-client';
import type { TrustPolicy } from '../chain/policy.js';
import { ErrorCodes, isRechainError } from '../errors.js';
import type { SignatureVerifier } from '../pki/signatures.js';
import type { Clock } from '../runtime/clock.js';
import { analyzeChain, type ChainCheck } from './analyze.js';
import { fetchPresentedChain, type PresentedChain } from './fetch-chain.js';
import { PROBLEM_CODES } from './problems.js';
import { parseTarget } from './target.js';

export interface ProbeDeps {
  /** The trust policy in force now: the running proxy's stores, distrust and horizon. */
  policy(): TrustPolicy;
  readonly clock: Clock;
  readonly verifier: SignatureVerifier;
  /** Connect and handshake; the default stays under Prometheus' default scrape timeout (10 s). */
  readonly timeoutMs?: number | undefined;
}

export interface ProbeResponse {
  readonly status: number;
  readonly body: string;
}

const DEFAULT_PROBE_TIMEOUT_MS = 5_000;

/** Earliest notAfter on the paths accepting clients use, anchors included; else over what was presented. */
function earliestExpiry(check: ChainCheck): number | undefined {
  const used = check.stores.filter((s) => s.verdict.valid).flatMap((s) => s.path);
  const times = (used.length > 0 ? used : check.presented).flatMap((c) => (c.facts ? [c.facts.notAfter] : []));
  return times.length > 0 ? Math.min(...times) : undefined;
}

function gauge(registry: Registry, name: string, help: string, labelNames: string[] = []): Gauge {
  return new Gauge({ name, help, labelNames, registers: [registry] });
}

function chainSeries(registry: Registry, fetched: PresentedChain, check: ChainCheck): void {
  gauge(registry, 'rechain_probe_tls_version_info', 'The TLS version negotiated.', ['version']).set({ version: fetched.protocol }, 1);
  const valid = gauge(registry, 'rechain_probe_chain_valid', '1 if a client trusting the store accepts the presented chain, else 0.', ['store']);
  for (const s of check.stores) valid.set({ store: s.store }, s.verdict.valid ? 1 : 0);
  const expiry = earliestExpiry(check);
  if (expiry !== undefined) {
    gauge(registry, 'rechain_probe_chain_expiry_timestamp_seconds', 'Earliest notAfter on the path a client uses, anchor included (Unix seconds).').set(
      Math.floor(expiry / 1000),
    );
  }
  // Every code, 0 when absent, so an alert on one code sees it appear.
  const problems = gauge(registry, 'rechain_probe_chain_problems', 'Problems found in the presented chain, by code (see docs/check.md).', ['code']);
  for (const code of PROBLEM_CODES) problems.set({ code }, check.problems.filter((p) => p.code === code).length);
}

export async function probeTarget(params: URLSearchParams, deps: ProbeDeps): Promise<ProbeResponse> {
  const start = deps.clock.monotonic();
  const targetText = params.get('target');
  if (!targetText) return { status: 400, body: 'target: missing; use /probe?target=HOST:PORT[&servername=NAME]\n' };
  const parsed = parseTarget(targetText, params.get('servername') ?? undefined);
  if ('problem' in parsed) return { status: 400, body: `${parsed.field}: ${parsed.problem}\n` };
  const { target } = parsed;
  const policy = deps.policy();

  const registry = new Registry();
  let note = '';
  let success = false;
  try {
    const fetched = await fetchPresentedChain({ target: target.address, servername: target.servername, timeoutMs: deps.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS });
    const check = analyzeChain({
      presented: fetched.certificates,
      policy,
      names: target.names,
      at: deps.clock.now(),
      pool: [],
      verifier: deps.verifier,
      monotonicNow: () => deps.clock.monotonic(),
    });
    chainSeries(registry, fetched, check);
    success = check.accepted;
  } catch (e) {
    // An unreachable peer is a probe result; anything else is a bug (the admin server's 500).
    if (!isRechainError(e) || e.code !== ErrorCodes.NETWORK) throw e;
    // Prometheus ignores comment lines; a person curling /probe sees why it failed.
    note = `# probe failed: ${e.message.replace(/\s+/g, ' ')}\n`;
  }
  gauge(registry, 'rechain_probe_success', '1 if the TLS handshake succeeded and every required store accepts the chain.').set(success ? 1 : 0);
  gauge(registry, 'rechain_probe_duration_seconds', 'How long the probe took, connect to verdict.').set((deps.clock.monotonic() - start) / 1000);
  return { status: 200, body: `${await registry.metrics()}${note}` };
}
