// At most one event per key per interval; the events in between are counted, not lost, so a
// flood of failed handshakes logs one line per reason every interval with how many it stood for.

export class RateLimiter {
  readonly #last = new Map<string, { at: number; suppressed: number }>();

  constructor(
    private readonly intervalMs: number,
    private readonly now: () => number,
  ) {}

  /** undefined: stay quiet; a number: emit now, standing for that many suppressed events too. */
  admit(key: string): number | undefined {
    const t = this.now();
    const entry = this.#last.get(key);
    if (entry && t - entry.at < this.intervalMs) {
      entry.suppressed++;
      return undefined;
    }
    const suppressed = entry?.suppressed ?? 0;
    this.#last.set(key, { at: t, suppressed: 0 });
    return suppressed;
  }
}
