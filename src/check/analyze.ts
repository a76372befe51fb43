// What clients make of a chain a peer presents, per trust store, and what rechain would serve
// instead. Pure: the presented certificates, the policy, the names, the time, the pool and the
// signature port in; a ChainCheck out. No sockets, files or clock here (fetch-chain.ts and
// the callers do that).
//
// A client of a store has no horizon, no distrust list of ours and no preference: it accepts
// the presented certificates when it can build a valid path from them to one of its anchors,
// in any order (as OpenSSL, browsers and Go do). That verdict is the engine's, computed with
// the store alone. The policy then judges the path that client uses (distrust, horizon), and
// when the client reaches no anchor, the check says why: a missing intermediate, or a branch
// that heads for a root the store does not hold.
import { computeChain, type ChainReport, type StoreVerdict } from '../chain/engine.js';
import type { PeerName, TrustPolicy, TrustStore } from '../chain/policy.js';
import { Reasons } from '../chain/reasons.js';
import type { Certificate } from '../pki/certificate.js';
import type { SignatureVerifier } from '../pki/signatures.js';
import { certifies, isSelfSigned, presentationProblems } from './presented.js';
import { Problems, type CheckProblem } from './problems.js';

export interface CheckRequest {
  /** Leaf first, in the order the peer sent them; never empty. */
  readonly presented: readonly Certificate[];
  readonly policy: TrustPolicy;
  /** Names the leaf must cover (the SNI name, or the host). */
  readonly names: readonly PeerName[];
  /** Validation time, milliseconds since the epoch. */
  readonly at: number;
  /** Candidate intermediates (`--pool`): what could complete or replace the presented ones. */
  readonly pool: readonly Certificate[];
  readonly verifier: SignatureVerifier;
  /** Monotonic milliseconds for the engine's time budget. */
  readonly monotonicNow?: (() => number) | undefined;
}

export interface StoreCheck {
  readonly store: string;
  readonly required: boolean;
  /** What a client trusting this store does with the presented certificates. */
  readonly verdict: StoreVerdict;
  /** When it accepts: the presented certificates its path uses, leaf first, then the anchor. */
  readonly path: readonly Certificate[];
}

export interface ChainCheck {
  readonly at: number;
  readonly presented: readonly Certificate[];
  readonly stores: readonly StoreCheck[];
  /** Problems of the presented list first, then per store, in store order. */
  readonly problems: readonly CheckProblem[];
  /** What rechain would serve from the presented certificates and the pool, under the whole policy. */
  readonly proposal: ChainReport;
  /** Every required store accepts, and at least one store does (the engine's `valid`). */
  readonly accepted: boolean;
  /** Accepted, and no problem blocks. */
  readonly ok: boolean;
}

const iso = (ms: number): string => new Date(ms).toISOString();

function chainReport(req: CheckRequest, policy: TrustPolicy, pool: readonly Certificate[]): ChainReport {
  return computeChain({
    leaf: req.presented[0]!,
    bundle: req.presented.slice(1),
    pool,
    policy,
    purpose: 'serverAuth',
    names: req.names,
    at: req.at,
    verifier: req.verifier,
    monotonicNow: req.monotonicNow,
  });
}

/** A client of `store` alone, as the header describes it. */
function clientPolicy(policy: TrustPolicy, store: TrustStore): TrustPolicy {
  return { stores: [{ ...store, required: true }], distrust: new Set(), horizonMs: 0, prefer: [], maxDepth: policy.maxDepth };
}

function isDistrusted(cert: Certificate, distrust: ReadonlySet<string>): boolean {
  return distrust.has(cert.fingerprint) || distrust.has(cert.spkiSha256);
}

function distinct(certs: readonly Certificate[]): Certificate[] {
  return certs.filter((c, i) => certs.findIndex((d) => d.fingerprint === c.fingerprint) === i);
}

/** The policy's objections to a path a client accepts: distrusted certificates, expiry inside the horizon. */
function pathProblems(req: CheckRequest, store: TrustStore, path: readonly Certificate[]): CheckProblem[] {
  const base = { store: store.name, blocking: store.required };
  const anchor = path[path.length - 1];
  const problems: CheckProblem[] = [];
  for (const cert of path) {
    if (isDistrusted(cert, req.policy.distrust)) {
      problems.push({ ...base, code: cert === anchor ? Problems.distrustedRoot : Problems.distrustedCertificate, certificate: cert });
    }
    const notAfter = cert.facts?.notAfter;
    if (req.policy.horizonMs > 0 && notAfter !== undefined && notAfter < req.at + req.policy.horizonMs) {
      problems.push({ ...base, code: Problems.expiresWithinHorizon, certificate: cert, value: iso(notAfter) });
    }
  }
  return problems;
}

/** Roots the check knows of besides the store's own: other stores' anchors, self-signed certificates presented or pooled. */
function knownRoots(req: CheckRequest, store: TrustStore): Certificate[] {
  const others = req.policy.stores.filter((s) => s.name !== store.name).flatMap((s) => [...s.anchors]);
  const selfSigned = [...req.presented, ...req.pool].filter((c) => isSelfSigned(c, req.verifier));
  return [...others, ...selfSigned];
}

/** Why a client of `store` reaches no anchor from the presented certificates. */
function unreachedProblems(req: CheckRequest, store: TrustStore, verdict: StoreVerdict): CheckProblem[] {
  const base = { store: store.name, blocking: store.required };
  // A path that reached an anchor and failed a check (expired, name...) is explained by the
  // engine's reasons; so are bad signatures and exhausted budgets.
  if (verdict.anchor) return [];
  const end = verdict.findings.find((f) => f.reason === Reasons.untrustedRoot || f.reason === Reasons.issuerNotFound);
  const top = end?.certificate;
  if (!top) return [];
  const rootProblem = (root: Certificate): CheckProblem => ({
    ...base,
    code: isDistrusted(root, req.policy.distrust) ? Problems.distrustedRoot : Problems.removedRoot,
    certificate: root,
  });
  if (end.reason === Reasons.untrustedRoot) return top === req.presented[0] ? [] : [rootProblem(top)];

  const root = knownRoots(req, store).find((r) => certifies(r, top, req.verifier));
  if (root) return [rootProblem(root)];
  // Unknown issuer: does the pool extend the presented path (an intermediate is missing), or
  // reach the store only around it (the presented branch heads for a root the store lacks)?
  const completion = chainReport(req, clientPolicy(req.policy, store), req.pool);
  const extended = completion.candidates.some((c) => c.acceptable && c.certificates.some((x) => x.fingerprint === top.fingerprint));
  const issuer = top.facts?.issuer;
  if (!extended && completion.chosen) return [{ ...base, code: Problems.removedRoot, value: issuer }];
  return [{ ...base, code: Problems.incompleteChain, certificate: top, value: issuer, completedByPool: extended }];
}

function checkStore(req: CheckRequest, store: TrustStore): { check: StoreCheck; problems: CheckProblem[] } {
  const report = chainReport(req, clientPolicy(req.policy, store), []);
  const verdict: StoreVerdict = { ...report.servedVerdicts[0]!, required: store.required };
  const path = report.chosen ? distinct([...report.chosen.certificates, report.chosen.anchor]) : [];
  const problems = report.chosen ? pathProblems(req, store, path) : unreachedProblems(req, store, verdict);
  return { check: { store: store.name, required: store.required, verdict, path }, problems };
}

export function analyzeChain(req: CheckRequest): ChainCheck {
  if (req.presented.length === 0) throw new Error('analyzeChain: the peer presented no certificate');
  const perStore = req.policy.stores.map((store) => checkStore(req, store));
  const stores = perStore.map((s) => s.check);
  const problems = [...presentationProblems(req.presented, req.names, req.verifier), ...perStore.flatMap((s) => s.problems)];
  const accepted = stores.every((s) => !s.required || s.verdict.valid) && stores.some((s) => s.verdict.valid);
  return {
    at: req.at,
    presented: req.presented,
    stores,
    problems,
    proposal: chainReport(req, req.policy, req.pool),
    accepted,
    ok: accepted && !problems.some((p) => p.blocking),
  };
}
