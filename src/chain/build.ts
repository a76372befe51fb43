// Path building (RFC 4158): every path from the leaf through the candidate pool to an anchor
// of one trust store. Depth-first; each link is an issuer found by subject, tried in order of
// plausibility, accepted only if its key verifies the child's signature. A logical CA (subject
// and key) appears once per path, so cycles end. Branches that reach no anchor are dead ends,
// kept (a few) to explain why a chain could not be built.
import type { Certificate } from '../pki/certificate.js';
import type { SignatureVerifier } from '../pki/signatures.js';
import type { AnchorSet } from './anchors.js';
import type { Budget } from './budget.js';
import { byPlausibility, type CandidatePool } from './candidates.js';
import { finding, Reasons, type Finding } from './reasons.js';

export interface BuiltPath {
  /** Leaf first, then intermediates; never the anchor. */
  readonly certificates: readonly Certificate[];
  /** The store's anchor the last certificate chains to (or that the leaf stands for). */
  readonly anchor: Certificate;
  /** The leaf itself is a trust anchor (a directly trusted certificate). */
  readonly leafIsAnchor: boolean;
}

export interface DeadEnd {
  readonly certificates: readonly Certificate[];
  readonly finding: Finding;
}

export interface BuildResult {
  readonly paths: BuiltPath[];
  readonly deadEnds: DeadEnd[];
  deadEndCount: number;
}

export interface BuildContext {
  readonly verifier: SignatureVerifier;
  readonly budget: Budget;
  /** Most intermediates between leaf and anchor. */
  readonly maxDepth: number;
}

const KEPT_DEAD_ENDS = 16;

function logicalCa(cert: Certificate): string {
  return `${cert.subjectKey}\u0000${cert.spkiKey}`;
}

/** Appends to `result`; stops with BudgetExhausted (caught by the caller) when out of budget. */
export function buildPaths(leaf: Certificate, pool: CandidatePool, anchors: AnchorSet, ctx: BuildContext, result: BuildResult): void {
  const { verifier, budget } = ctx;

  const signs = (issuer: Certificate, child: Certificate): boolean => {
    if (!verifier.isCached(child, issuer)) budget.signature();
    return verifier.verify(child, issuer);
  };

  const deadEnd = (path: Certificate[], f: Finding): void => {
    result.deadEndCount++;
    if (result.deadEnds.length < KEPT_DEAD_ENDS) result.deadEnds.push({ certificates: [...path], finding: f });
  };

  const emit = (path: Certificate[], anchor: Certificate, leafIsAnchor = false): void => {
    budget.path();
    result.paths.push({ certificates: [...path], anchor, leafIsAnchor });
  };

  const inPath = new Set<string>();

  const extend = (path: Certificate[]): void => {
    budget.step();
    const current = path[path.length - 1]!;
    let linked = false;
    let badSignature: Certificate | undefined;

    for (const anchor of byPlausibility(current, anchors.issuersOf(current))) {
      budget.step();
      // A trusted self-signed certificate is its own anchor, emitted once, below.
      if (inPath.has(logicalCa(anchor))) continue;
      if (signs(anchor, current)) {
        emit(path, anchor);
        linked = true;
      } else {
        badSignature ??= anchor;
      }
    }

    const candidates = pool.issuersOf(current);
    // maxDepth counts logical intermediates: a self-issued re-key of a CA counts once. The raw
    // length is capped too, so a chain of same-subject certificates cannot run on.
    const logicalDepth = path.slice(1).filter((c) => !c.selfIssued).length;
    if (candidates.length > 0 && (logicalDepth >= ctx.maxDepth || path.length - 1 >= 2 * ctx.maxDepth)) {
      if (!linked) deadEnd(path, finding(Reasons.depthExceeded, current, String(ctx.maxDepth)));
      return;
    }
    for (const candidate of candidates) {
      budget.step();
      const id = logicalCa(candidate);
      // Already on the path (a cycle), or a copy of an anchor (the anchor was tried above).
      if (inPath.has(id) || anchors.has(candidate)) continue;
      if (!signs(candidate, current)) {
        badSignature ??= candidate;
        continue;
      }
      linked = true;
      path.push(candidate);
      inPath.add(id);
      extend(path);
      inPath.delete(id);
      path.pop();
    }

    if (!linked) {
      if (badSignature) deadEnd(path, finding(Reasons.signatureInvalid, current, badSignature.label));
      else if (current.selfIssued) deadEnd(path, finding(Reasons.untrustedRoot, current));
      else deadEnd(path, finding(Reasons.issuerNotFound, current, current.facts?.issuer));
    }
  };

  for (const anchor of anchors.matching(leaf)) emit([leaf], anchor, true);
  inPath.add(logicalCa(leaf));
  extend([leaf]);
}

export function emptyBuildResult(): BuildResult {
  return { paths: [], deadEnds: [], deadEndCount: 0 };
}
