// Ranking of acceptable candidates, exactly DESIGN §2: (1) valid for every required store,
// (2) most optional stores covered, (3) earliest `prefer` match, (4) latest earliest-expiry
// over the path including the anchor, (5) fewest certificates, (6) fingerprints. The rule that
// separates each candidate from the next is recorded so `explain` can say why the winner won.
import type { Certificate } from '../pki/certificate.js';
import type { PreferRoot } from './policy.js';

export const RankRules = ['required_stores', 'optional_stores', 'prefer', 'expiry', 'length', 'fingerprint'] as const;
export type RankRule = (typeof RankRules)[number];

export interface Rankable {
  readonly certificates: readonly Certificate[];
  readonly requiredValid: boolean;
  readonly optionalCovered: number;
  /** Index into the prefer list; undefined when no entry matches. */
  readonly preferIndex: number | undefined;
  readonly earliestExpiry: number;
}

function tieBreak(r: Rankable): string {
  return r.certificates.map((c) => c.fingerprint).join('');
}

/** Negative when `a` ranks before `b`; the rule that decided, or undefined for identical paths. */
export function compareCandidates(a: Rankable, b: Rankable): [number, RankRule | undefined] {
  const keys: [RankRule, number][] = [
    ['required_stores', Number(b.requiredValid) - Number(a.requiredValid)],
    ['optional_stores', b.optionalCovered - a.optionalCovered],
    ['prefer', (a.preferIndex ?? Infinity) - (b.preferIndex ?? Infinity) || 0],
    ['expiry', b.earliestExpiry - a.earliestExpiry],
    ['length', a.certificates.length - b.certificates.length],
  ];
  for (const [rule, diff] of keys) if (diff !== 0 && !Number.isNaN(diff)) return [Math.sign(diff), rule];
  const ta = tieBreak(a);
  const tb = tieBreak(b);
  return ta === tb ? [0, undefined] : [ta < tb ? -1 : 1, 'fingerprint'];
}

/** Sorted copy plus, for each element but the last, the rule that put it above the next. */
export function rank<T extends Rankable>(items: readonly T[]): { ranked: T[]; separatedBy: (RankRule | undefined)[] } {
  const ranked = [...items].sort((a, b) => compareCandidates(a, b)[0]);
  const separatedBy = ranked.map((item, i) => (i + 1 < ranked.length ? compareCandidates(item, ranked[i + 1]!)[1] : undefined));
  return { ranked, separatedBy };
}

/** The earliest prefer entry one of `roots` matches (by common name or SPKI hash). */
export function preferIndexOf(prefer: readonly PreferRoot[], roots: readonly Certificate[]): number | undefined {
  for (let i = 0; i < prefer.length; i++) {
    const entry = prefer[i]!;
    const hit = roots.some((root) =>
      entry.kind === 'spki' ? root.spkiSha256 === entry.sha256 : (root.facts?.commonNames ?? []).includes(entry.commonName),
    );
    if (hit) return i;
  }
  return undefined;
}
