// runtime/ owns process-level edges: the clock, the logger, rate limits, file watching. It
// must not import the engine, tls/ or proxy/.
//
// Time, injected. The chain engine takes a time; everything that schedules or measures takes
// a Clock, so tests move time instead of sleeping.

export interface Clock {
  /** Wall time, milliseconds since the epoch: what certificates are judged at. */
  now(): number;
  /** Monotonic milliseconds, for durations and budgets. */
  monotonic(): number;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
};

/** A clock a test moves by hand. */
export class ManualClock implements Clock {
  #now: number;
  #monotonic = 0;

  constructor(start: number) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  monotonic(): number {
    return this.#monotonic;
  }

  advance(ms: number): void {
    this.#now += ms;
    this.#monotonic += ms;
  }
}
