// A chain check as plain JSON data: what `rechain check --json` prints and what the readable
// report is rendered from. Certificates become subject + fingerprint; reasons and problems
// stay codes.
import { certificateView, findingView, reportView, type CertificateView, type FindingView, type VerdictView } from '../chain/report-view.js';
import type { ReasonCode } from '../chain/reasons.js';
import { formatAddress } from '../config/addresses.js';
import type { ChainCheck, StoreCheck } from './analyze.js';
import type { PresentedChain } from './fetch-chain.js';
import type { CheckProblem, ProblemCode } from './problems.js';
import type { CheckTarget } from './target.js';

export interface ProblemView {
  code: ProblemCode;
  store?: string;
  blocking: boolean;
  certificate?: string;
  fingerprint?: string;
  value?: string;
  completedByPool?: boolean;
}

export interface StoreCheckView {
  store: string;
  required: boolean;
  /** A client trusting this store accepts the presented certificates. */
  accepted: boolean;
  /** The presented certificates that client's path uses, then its anchor; empty when it rejects. */
  path: CertificateView[];
  reasons: FindingView[];
}

export interface ProposalView {
  /** rechain could build a chain valid for every required store. */
  valid: boolean;
  /** What rechain would serve differs from what is presented. */
  changed: boolean;
  served: CertificateView[];
  verdicts: VerdictView[];
  /** The engine's reasons counted over rejected candidates, when no chain is valid. */
  rejections: Partial<Record<ReasonCode, number>>;
}

export interface CheckView {
  target: string;
  servername: string | null;
  at: string;
  ok: boolean;
  tls: { protocol: string; cipher: string; alpn: string | null };
  /** In the order the peer sent them. */
  presented: CertificateView[];
  stores: StoreCheckView[];
  problems: ProblemView[];
  proposal: ProposalView;
}

function problemView(p: CheckProblem): ProblemView {
  return {
    code: p.code,
    ...(p.store !== undefined ? { store: p.store } : {}),
    blocking: p.blocking,
    ...(p.certificate ? { certificate: p.certificate.label, fingerprint: p.certificate.fingerprint } : {}),
    ...(p.value !== undefined ? { value: p.value } : {}),
    ...(p.completedByPool !== undefined ? { completedByPool: p.completedByPool } : {}),
  };
}

function storeView(s: StoreCheck): StoreCheckView {
  return {
    store: s.store,
    required: s.required,
    accepted: s.verdict.valid,
    path: s.path.map(certificateView),
    reasons: s.verdict.findings.map(findingView),
  };
}

export function checkView(target: CheckTarget, fetched: PresentedChain, check: ChainCheck): CheckView {
  const proposal = reportView(check.proposal);
  return {
    target: formatAddress(target.address),
    servername: target.servername ?? null,
    at: new Date(check.at).toISOString(),
    ok: check.ok,
    tls: { protocol: fetched.protocol, cipher: fetched.cipher, alpn: fetched.alpn ?? null },
    presented: check.presented.map(certificateView),
    stores: check.stores.map(storeView),
    problems: check.problems.map(problemView),
    proposal: {
      valid: proposal.valid,
      changed: proposal.rewritten,
      served: proposal.served,
      verdicts: proposal.servedVerdicts,
      rejections: proposal.valid ? {} : proposal.rejections,
    },
  };
}
