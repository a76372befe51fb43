// chain/ owns path building, judging and ranking (the pure engine). It imports only pki/ data
// types and the signature port; never fs, net, tls, config, runtime, metrics or a logger.
//
// The chain engine's one entry point. Pure: certificates, a policy, a time, a signature port
// and a budget in; a report out. No files, sockets, loggers, timers or clock reads here (the
// time budget reads the monotonic clock it is given).
//
// 1. For each trust store, build every path from the leaf through the bundle and pool to that
//    store's anchors.
// 2. For each distinct path, ask every store what its clients would do with the certificates
//    the path would serve: build from those certificates alone to the store's anchors, judge.
//    (A long chain through a cross-sign can satisfy an old store at its end and a new store
//    part-way, as Let's Encrypt's did.)
// 3. Rank the acceptable paths (valid for every required store, and for at least one store).
//    With none, the configured bundle is served unchanged, judged the same way.
import type { Certificate } from '../pki/certificate.js';
import type { SignatureVerifier } from '../pki/signatures.js';
import { Budget, BudgetExhausted, type BudgetLimits, type BudgetUsage } from './budget.js';
import { buildPaths, emptyBuildResult, type BuildResult, type BuiltPath, type DeadEnd } from './build.js';
import { CandidatePool } from './candidates.js';
import { PathJudge, pathKey } from './judge.js';
import type { PeerName, Purpose, TrustPolicy, TrustStore } from './policy.js';
import { preferIndexOf, rank, type RankRule } from './rank.js';
import { errorsOf, finding, isWarning, mostSpecific, Reasons, type Finding, type ReasonCode } from './reasons.js';

export interface ChainRequest {
  readonly leaf: Certificate;
  /** The intermediates configured with the leaf, in the order given. */
  readonly bundle: readonly Certificate[];
  readonly pool: readonly Certificate[];
  readonly policy: TrustPolicy;
  readonly purpose: Purpose;
  /** Names the leaf must cover (the listener's SNI names, `--servername`). */
  readonly names: readonly PeerName[];
  /** Validation time, milliseconds since the epoch. */
  readonly at: number;
  readonly verifier: SignatureVerifier;
  readonly limits?: Partial<BudgetLimits>;
  /** Monotonic milliseconds for the time budget (performance.now at the edge). */
  readonly monotonicNow?: () => number;
}

export interface StoreVerdict {
  readonly store: string;
  readonly required: boolean;
  readonly valid: boolean;
  /** The store's anchor the served certificates reach, when they reach one. */
  readonly anchor: Certificate | undefined;
  /** How many of the served certificates a client of this store uses (leaf included). */
  readonly used: number;
  /** Errors (none when valid), then warnings. */
  readonly findings: readonly Finding[];
}

export interface Candidate {
  /** What would be served: leaf first, then intermediates. */
  readonly certificates: readonly Certificate[];
  /** The anchor the path was built to. */
  readonly anchor: Certificate;
  readonly verdicts: readonly StoreVerdict[];
  readonly acceptable: boolean;
  readonly requiredValid: boolean;
  readonly optionalCovered: number;
  readonly preferIndex: number | undefined;
  /** Earliest notAfter over the certificates and the anchor. */
  readonly earliestExpiry: number;
  /** 1-based rank among acceptable candidates. */
  readonly rank: number | undefined;
  /** The ranking rule that put this candidate above the next one. */
  readonly separatedBy: RankRule | undefined;
}

export interface ChainReport {
  readonly leaf: Certificate;
  readonly bundle: readonly Certificate[];
  readonly at: number;
  /** Acceptable candidates in rank order, then the others. */
  readonly candidates: readonly Candidate[];
  readonly chosen: Candidate | undefined;
  /** The certificates to serve: the chosen path, or the configured bundle when none is valid. */
  readonly served: readonly Certificate[];
  readonly servedVerdicts: readonly StoreVerdict[];
  /** Every required store accepts what is served, and at least one store does. */
  readonly valid: boolean;
  /** What is served differs from leaf + configured bundle. */
  readonly rewritten: boolean;
  readonly deadEnds: readonly DeadEnd[];
  readonly deadEndCount: number;
  /** How many candidate paths (and dead ends) each reason rejected. */
  readonly rejections: Readonly<Partial<Record<ReasonCode, number>>>;
  readonly budget: BudgetUsage;
}

interface Computation {
  readonly request: ChainRequest;
  readonly judge: PathJudge;
}

function build(c: Computation, leaf: Certificate, pool: CandidatePool, store: TrustStore, budget: Budget): BuildResult {
  const result = emptyBuildResult();
  if (budget.exhausted) return result;
  try {
    buildPaths(leaf, pool, store.anchors, { verifier: c.request.verifier, budget, maxDepth: c.request.policy.maxDepth }, result);
  } catch (e) {
    if (!(e instanceof BudgetExhausted)) throw e;
  }
  return result;
}

/** What a client trusting `store` does with `served`: the best path it can build from them. */
function clientVerdict(c: Computation, served: readonly Certificate[], store: TrustStore): StoreVerdict {
  const base = { store: store.name, required: store.required };
  // The served certificates are few (at most maxDepth + 1), so this search is small; it gets
  // its own budget so that a search that exhausted the main one can still be judged.
  const budget = new Budget(c.request.limits, c.request.monotonicNow);
  const built = build(c, served[0]!, new CandidatePool(served.slice(1)), store, budget);
  let best: { path: BuiltPath; findings: readonly Finding[]; errors: number } | undefined;
  for (const path of built.paths) {
    const findings = c.judge.judge(path);
    const errors = errorsOf(findings).length;
    if (!best || errors < best.errors || (errors === best.errors && path.certificates.length < best.path.certificates.length)) {
      best = { path, findings, errors };
    }
  }
  if (best) {
    const sorted = [...errorsOf(best.findings), ...best.findings.filter((f) => isWarning(f.reason))];
    return { ...base, valid: best.errors === 0, anchor: best.path.anchor, used: best.path.certificates.length, findings: sorted };
  }
  const exhausted = budget.exhausted ? [finding(Reasons.budgetExhausted, undefined, budget.exhausted)] : [];
  const deadEnd = mostSpecific(built.deadEnds.map((d) => d.finding));
  return { ...base, valid: false, anchor: undefined, used: 0, findings: [...exhausted, ...(deadEnd ? [deadEnd] : [])] };
}

function earliestExpiry(certs: readonly Certificate[]): number {
  let min = Infinity;
  for (const cert of certs) min = Math.min(min, cert.facts?.notAfter ?? -Infinity);
  return min;
}

function judgeServed(c: Computation, certificates: readonly Certificate[], anchor: Certificate) {
  const { stores, prefer } = c.request.policy;
  const verdicts = stores.map((store) => clientVerdict(c, certificates, store));
  const requiredValid = verdicts.every((v) => !v.required || v.valid);
  const anyValid = verdicts.some((v) => v.valid);
  const roots = verdicts.filter((v) => v.valid && v.anchor).map((v) => v.anchor!);
  return {
    certificates,
    anchor,
    verdicts,
    requiredValid,
    acceptable: requiredValid && anyValid,
    optionalCovered: verdicts.filter((v) => !v.required && v.valid).length,
    preferIndex: preferIndexOf(prefer, roots.length > 0 ? roots : [anchor]),
    earliestExpiry: earliestExpiry([...certificates, anchor]),
  };
}

function sameCertificates(a: readonly Certificate[], b: readonly Certificate[]): boolean {
  return a.length === b.length && a.every((cert, i) => cert.der.equals(b[i]!.der));
}

export function computeChain(request: ChainRequest): ChainReport {
  const budget = new Budget(request.limits, request.monotonicNow);
  const judgeContext = {
    at: request.at,
    horizonMs: request.policy.horizonMs,
    purpose: request.purpose,
    names: request.names,
    distrust: request.policy.distrust,
    nameComparisonLimit: budget.limits.nameComparisons,
  };
  const c: Computation = { request, judge: new PathJudge(judgeContext) };
  const pool = new CandidatePool([...request.bundle, ...request.pool]);

  const distinct = new Map<string, BuiltPath>();
  const deadEnds: DeadEnd[] = [];
  let deadEndCount = 0;
  for (const store of request.policy.stores) {
    const built = build(c, request.leaf, pool, store, budget);
    for (const path of built.paths) {
      const key = pathKey(path);
      if (!distinct.has(key)) distinct.set(key, path);
    }
    deadEnds.push(...built.deadEnds);
    deadEndCount += built.deadEndCount;
  }

  const judged = [...distinct.values()].map((p) => judgeServed(c, p.certificates, p.anchor));
  // Two built paths can serve the same certificates (to different anchors): keep one.
  const unique = judged.filter((j, i) => judged.findIndex((k) => sameCertificates(k.certificates, j.certificates)) === i);
  const acceptable = unique.filter((j) => j.acceptable);
  const { ranked, separatedBy } = rank(acceptable);
  const rest = rank(unique.filter((j) => !j.acceptable)).ranked;
  const candidates: Candidate[] = [
    ...ranked.map((j, i) => ({ ...j, rank: i + 1, separatedBy: separatedBy[i] })),
    ...rest.map((j) => ({ ...j, rank: undefined, separatedBy: undefined })),
  ];

  const configured = [request.leaf, ...request.bundle];
  const chosen = candidates[0]?.acceptable ? candidates[0] : undefined;
  const served = chosen ? chosen.certificates : configured;
  const servedVerdicts = chosen ? chosen.verdicts : request.policy.stores.map((store) => clientVerdict(c, served, store));

  const rejections: Partial<Record<ReasonCode, number>> = {};
  const count = (reason: ReasonCode): void => {
    rejections[reason] = (rejections[reason] ?? 0) + 1;
  };
  for (const candidate of candidates) {
    new Set(candidate.verdicts.flatMap((v) => errorsOf(v.findings).map((f) => f.reason))).forEach(count);
  }
  for (const d of deadEnds) count(d.finding.reason);
  if (budget.exhausted) count(Reasons.budgetExhausted);

  return {
    leaf: request.leaf,
    bundle: request.bundle,
    at: request.at,
    candidates,
    chosen,
    served,
    servedVerdicts,
    valid: servedVerdicts.every((v) => !v.required || v.valid) && servedVerdicts.some((v) => v.valid),
    rewritten: !sameCertificates(served, configured),
    deadEnds,
    deadEndCount,
    rejections,
    budget: budget.usage(),
  };
}
