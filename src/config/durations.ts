// Durations as operators write them: 500ms, 30s, 15m, 2h, 30d, and combinations from the
// largest unit down such as 1h30m or 1d12h. `0` alone is zero. Whole numbers only: a fraction
// invites the question "how is 1.5m rounded?", and 1m30s says it exactly.

const UNIT_MS = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000, ms: 1 } as const;
type Unit = keyof typeof UNIT_MS;
const UNIT_ORDER: readonly Unit[] = ['d', 'h', 'm', 's', 'ms'];

/** Node's timers take at most 2^31-1 ms (about 24.8 days); larger values fire after 1 ms. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export type DurationResult = { readonly ms: number } | { readonly problem: string };

const TERM = /(\d+)([a-zA-Z]+)/y;

export function parseDuration(text: string): DurationResult {
  if (text === '0') return { ms: 0 };
  const example = 'write a number and a unit (ms, s, m, h, d) such as 30s or 1h30m';
  if (text === '') return { problem: `is empty: ${example}` };
  if (/\d\.\d/.test(text)) return { problem: `"${text}" must use whole numbers, as in 1m30s` };
  let ms = 0;
  let previous = -1;
  TERM.lastIndex = 0;
  while (TERM.lastIndex < text.length) {
    const rest = text.slice(TERM.lastIndex);
    const term = TERM.exec(text);
    if (!term) {
      const what = /^\d+$/.test(rest) ? 'needs a unit' : `is not a duration at "${rest}"`;
      return { problem: `"${text}" ${what}: ${example}` };
    }
    const unit = term[2]!;
    if (!(unit in UNIT_MS)) return { problem: `"${text}" has an unknown unit "${unit}": ${example}` };
    const index = UNIT_ORDER.indexOf(unit as Unit);
    if (index <= previous) return { problem: `"${text}" must list each unit once, largest first, as in 1h30m` };
    previous = index;
    ms += Number(term[1]) * UNIT_MS[unit as Unit];
  }
  if (!Number.isSafeInteger(ms)) return { problem: `"${text}" is too long` };
  return { ms };
}

export interface DurationLimits {
  /** Zero is refused (timeouts that must fire). */
  readonly positive?: boolean;
  readonly maxMs?: number;
}

export function durationProblem(text: string, limits: DurationLimits = {}): string | undefined {
  const result = parseDuration(text);
  if ('problem' in result) return result.problem;
  if (limits.positive && result.ms === 0) return 'must be longer than 0s';
  if (limits.maxMs !== undefined && result.ms > limits.maxMs) {
    return `"${text}" is longer than ${formatDuration(limits.maxMs)}, the longest timer Node can set`;
  }
  return undefined;
}

/** Milliseconds of a duration already validated by `durationProblem`. */
export function durationMs(text: string): number {
  const result = parseDuration(text);
  if ('problem' in result) throw new Error(`unchecked duration ${JSON.stringify(text)}: ${result.problem}`);
  return result.ms;
}

/** The shortest spelling of a duration, for messages: 90000 -> "1m30s". */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = ms;
  let text = '';
  for (const unit of UNIT_ORDER) {
    const count = Math.floor(rest / UNIT_MS[unit]);
    if (count > 0) text += `${count}${unit}`;
    rest -= count * UNIT_MS[unit];
  }
  return text;
}
