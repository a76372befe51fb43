// `rechain explain` as a readable table: every candidate path with its anchor, earliest
// expiry and verdict per store, then the chosen chain and why it won.
import type { CandidateView, CertificateView, ReportView, VerdictView } from '../chain/report-view.js';
import { RULE_TEXT, sentence } from './reason-text.js';

const short = (c: CertificateView): string => `${c.name} (${c.fingerprint.slice(0, 8)})`;
const day = (iso: string): string => iso.slice(0, 10) || '-';

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ').trimEnd());
}

function verdictCell(v: VerdictView | undefined): string {
  if (!v) return '-';
  if (v.valid) return v.reasons.length ? 'ok*' : 'ok';
  return `FAIL: ${v.reasons[0]?.reason ?? 'invalid'}`;
}

function pathText(c: CandidateView): string {
  return `${c.path.map(short).join(' -> ')} -> [${short(c.anchor)}]`;
}

function reasonLines(c: CandidateView | { verdicts: VerdictView[] }, indent: string): string[] {
  const lines: string[] = [];
  for (const v of c.verdicts) for (const r of v.reasons) lines.push(`${indent}${v.store}: ${sentence(r)}`);
  return lines;
}

export function renderExplain(name: string, view: ReportView): string {
  const out: string[] = [];
  const stores = view.servedVerdicts.map((v) => v.store);
  out.push(`certificate ${name}: leaf ${short(view.leaf)}, expires ${view.leaf.notAfter}`);
  out.push(`  judged at ${view.at} for stores ${view.servedVerdicts.map((v) => `${v.store} (${v.required ? 'required' : 'optional'})`).join(', ')}`);
  out.push('');
  if (view.candidates.length === 0) {
    out.push('  no path reaches an anchor of any store.');
  } else {
    const header = ['#', 'path', 'earliest expiry', ...stores];
    const rows = view.candidates.map((c) => [
      c.rank === null ? '-' : String(c.rank),
      pathText(c),
      day(c.earliestExpiry),
      ...stores.map((s) => verdictCell(c.verdicts.find((v) => v.store === s))),
    ]);
    out.push(...table([header, ...rows]).map((l) => `  ${l}`));
    for (const c of view.candidates) {
      const lines = reasonLines(c, '      ');
      if (lines.length) out.push('', `  ${c.rank === null ? '-' : `#${c.rank}`} ${pathText(c)}`, ...lines);
    }
  }
  if (view.deadEnds.length > 0) {
    out.push('', `  dead ends (${view.deadEndCount}):`);
    for (const d of view.deadEnds) out.push(`    ${d.path.map(short).join(' -> ')}: ${sentence(d.reason)}`);
  }
  if (view.budget.exhausted) out.push('', `  the search stopped early: ${view.budget.exhausted} budget exhausted`);
  out.push('');
  if (view.chosen) {
    const why = view.chosen.separatedBy ? ` It ranks above #2 because ${RULE_TEXT[view.chosen.separatedBy]}.` : '';
    out.push(`  chosen: #${view.chosen.rank} ${pathText(view.chosen)}.${why}`);
    out.push(`  served: ${view.served.map(short).join(' -> ')}${view.rewritten ? '' : '  (the configured bundle)'}`);
    if (view.rewritten) out.push(`  configured bundle, replaced: ${view.configured.map(short).join(' -> ')}`);
  } else {
    out.push('  INVALID: no path is valid for every required store; the configured bundle is served unchanged:');
    out.push(`  served: ${view.served.map(short).join(' -> ')}`);
    out.push(...reasonLines({ verdicts: view.servedVerdicts }, '    '));
  }
  return out.join('\n');
}
