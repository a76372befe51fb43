// A chain report as plain JSON data: what `explain --json`, `/chains` and the selection log
// event show. Certificates become subject + fingerprint; reasons stay codes.
import type { Certificate } from '../pki/certificate.js';
import type { Candidate, ChainReport, StoreVerdict } from './engine.js';
import type { Finding, ReasonCode } from './reasons.js';
import type { RankRule } from './rank.js';

export interface CertificateView {
  subject: string;
  /** Common name, or the subject when there is none: what tables show. */
  name: string;
  /** SHA-256 of the DER, hex. */
  fingerprint: string;
  issuer: string;
  notBefore: string;
  notAfter: string;
  source?: string;
}

export interface FindingView {
  reason: ReasonCode;
  certificate?: string;
  fingerprint?: string;
  value?: string;
}

export interface VerdictView {
  store: string;
  required: boolean;
  valid: boolean;
  anchor?: CertificateView;
  reasons: FindingView[];
}

export interface CandidateView {
  rank: number | null;
  acceptable: boolean;
  path: CertificateView[];
  anchor: CertificateView;
  earliestExpiry: string;
  verdicts: VerdictView[];
  /** The ranking rule that put this candidate above the next one. */
  separatedBy: RankRule | null;
}

export interface ReportView {
  at: string;
  valid: boolean;
  rewritten: boolean;
  leaf: CertificateView;
  configured: CertificateView[];
  served: CertificateView[];
  servedVerdicts: VerdictView[];
  chosen: CandidateView | null;
  candidates: CandidateView[];
  deadEnds: { path: CertificateView[]; reason: FindingView }[];
  deadEndCount: number;
  rejections: Partial<Record<ReasonCode, number>>;
  budget: ChainReport['budget'];
}

const iso = (ms: number | undefined): string => (ms === undefined || !Number.isFinite(ms) ? '' : new Date(ms).toISOString());

export function certificateView(cert: Certificate): CertificateView {
  const facts = cert.facts;
  return {
    subject: facts?.subject ?? '<undecodable>',
    name: facts?.commonNames[0] ?? facts?.subject ?? '<undecodable>',
    fingerprint: cert.fingerprint,
    issuer: facts?.issuer ?? '',
    notBefore: iso(facts?.notBefore),
    notAfter: iso(facts?.notAfter),
    ...(cert.source ? { source: cert.source } : {}),
  };
}

export function findingView(f: Finding): FindingView {
  return {
    reason: f.reason,
    ...(f.certificate ? { certificate: f.certificate.label, fingerprint: f.certificate.fingerprint } : {}),
    ...(f.value !== undefined ? { value: f.value } : {}),
  };
}

function verdictView(v: StoreVerdict): VerdictView {
  return {
    store: v.store,
    required: v.required,
    valid: v.valid,
    ...(v.anchor ? { anchor: certificateView(v.anchor) } : {}),
    reasons: v.findings.map(findingView),
  };
}

function candidateView(c: Candidate): CandidateView {
  return {
    rank: c.rank ?? null,
    acceptable: c.acceptable,
    path: c.certificates.map(certificateView),
    anchor: certificateView(c.anchor),
    earliestExpiry: iso(c.earliestExpiry),
    verdicts: c.verdicts.map(verdictView),
    separatedBy: c.separatedBy ?? null,
  };
}

export function reportView(report: ChainReport): ReportView {
  return {
    at: iso(report.at),
    valid: report.valid,
    rewritten: report.rewritten,
    leaf: certificateView(report.leaf),
    configured: [report.leaf, ...report.bundle].map(certificateView),
    served: report.served.map(certificateView),
    servedVerdicts: report.servedVerdicts.map(verdictView),
    chosen: report.chosen ? candidateView(report.chosen) : null,
    candidates: report.candidates.map(candidateView),
    deadEnds: report.deadEnds.map((d) => ({ path: d.certificates.map(certificateView), reason: findingView(d.finding) })),
    deadEndCount: report.deadEndCount,
    rejections: report.rejections,
    budget: report.budget,
  };
}
