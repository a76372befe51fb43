// What a chain selection tells operators: the log event (chosen path, rejected paths with
// reasons, whether it differs from the configured bundle) and the metric values.
import type { ServedChainMetrics } from '../admin/metrics.js';
import type { ChainReport } from '../chain/engine.js';
import { errorsOf, mostSpecific } from '../chain/reasons.js';
import type { Certificate } from '../pki/certificate.js';

const MAX_REJECTED_IN_LOG = 8;

const label = (c: Certificate): string => c.label;

/** The root the metrics name: a required store's when it validates, else any valid store's. */
function rootOf(report: ChainReport): Certificate | undefined {
  const verdict =
    report.servedVerdicts.find((v) => v.valid && v.required) ?? report.servedVerdicts.find((v) => v.valid) ?? report.servedVerdicts.find((v) => v.anchor);
  return verdict?.anchor ?? report.chosen?.anchor;
}

/** Every anchor that clients of a store reach with what is served (the valid stores'). */
function reachedAnchors(report: ChainReport): Certificate[] {
  const valid = report.servedVerdicts.filter((v) => v.valid && v.anchor).map((v) => v.anchor!);
  const root = rootOf(report);
  return valid.length > 0 ? valid : root ? [root] : [];
}

/** Earliest notAfter over what is served and every anchor its clients reach (DESIGN §7). */
export function servedExpiry(report: ChainReport): number {
  return Math.min(...[...report.served, ...reachedAnchors(report)].map((c) => c.facts?.notAfter ?? 0));
}

export function servedChainMetrics(report: ChainReport): ServedChainMetrics {
  const root = rootOf(report);
  return {
    valid: new Map(report.servedVerdicts.map((v) => [v.store, v.valid])),
    root: root?.facts?.commonNames[0] ?? root?.facts?.subject ?? 'none',
    fingerprint: report.leaf.fingerprint,
    length: report.served.length,
    rewritten: report.rewritten,
    expirySeconds: Math.floor(servedExpiry(report) / 1000),
    selectionValid: report.valid,
  };
}

export function selectionEvent(certificate: string, report: ChainReport, changed: boolean, trigger: string): Record<string, unknown> {
  const rejected = report.candidates
    .filter((c) => !c.acceptable)
    .slice(0, MAX_REJECTED_IN_LOG)
    .map((c) => ({
      path: [...c.certificates.map(label), `[${label(c.anchor)}]`],
      reasons: Object.fromEntries(c.verdicts.map((v) => [v.store, errorsOf(v.findings).map((f) => `${f.reason}${f.certificate ? ` ${label(f.certificate)}` : ''}`)])),
    }));
  const deadEnds = report.deadEnds.slice(0, MAX_REJECTED_IN_LOG).map((d) => ({ path: d.certificates.map(label), reason: d.finding.reason }));
  return {
    event: 'chain_selected',
    certificate,
    trigger,
    valid: report.valid,
    changed,
    rewritten: report.rewritten,
    served: report.served.map(label),
    root: rootOf(report)?.label,
    expiry: new Date(servedExpiry(report)).toISOString(),
    stores: Object.fromEntries(report.servedVerdicts.map((v) => [v.store, v.valid ? 'valid' : (mostSpecific(errorsOf(v.findings))?.reason ?? 'invalid')])),
    chosenRank: report.chosen?.rank,
    wonBy: report.chosen?.separatedBy,
    candidates: report.candidates.length,
    rejected,
    deadEnds,
    budgetExhausted: report.budget.exhausted,
  };
}
