// The hard work budget of one chain computation. A pathological pool (long chains, cycles,
// exponential meshes, huge name-constraint sets) must fail fast with a reason, never hang.
// Like rustls-webpki, running out is fatal to the search; the paths found so far are kept.

export interface BudgetLimits {
  /**
   * Signature checks that were not already cached. Go allows 100 per Verify call; rechain
   * builds for several stores and keeps every path, so it allows more. 2,000 ECDSA checks
   * take about 200 ms.
   */
  signatures: number;
  /** Search steps (a step tries one certificate as the next link). */
  steps: number;
  /** Complete paths kept; beyond this the search stops. */
  paths: number;
  /** Name-constraint comparisons (names x subtrees) for one path, as Go's maxConstraintComparisons. */
  nameComparisons: number;
  /** Wall time in milliseconds, measured with the injected monotonic clock. */
  timeMs: number;
}

export const DEFAULT_LIMITS: BudgetLimits = {
  signatures: 2_000,
  steps: 100_000,
  paths: 256,
  nameComparisons: 250_000,
  timeMs: 2_000,
};

export type BudgetKind = keyof BudgetLimits;

export class BudgetExhausted extends Error {
  constructor(readonly kind: BudgetKind) {
    super(`chain search budget exhausted: ${kind}`);
  }
}

export interface BudgetUsage {
  signatures: number;
  steps: number;
  paths: number;
  elapsedMs: number;
  exhausted: BudgetKind | undefined;
}

export class Budget {
  readonly limits: BudgetLimits;
  readonly #now: () => number;
  readonly #start: number;
  exhausted: BudgetKind | undefined;
  signatures = 0;
  steps = 0;
  paths = 0;

  constructor(limits: Partial<BudgetLimits> = {}, monotonicNow: () => number = () => 0) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
    this.#now = monotonicNow;
    this.#start = monotonicNow();
  }

  #spend(kind: 'signatures' | 'steps' | 'paths', amount: number): void {
    this[kind] += amount;
    if (this[kind] > this.limits[kind]) this.#fail(kind);
  }

  #fail(kind: BudgetKind): never {
    this.exhausted ??= kind;
    throw new BudgetExhausted(kind);
  }

  signature(): void {
    this.#spend('signatures', 1);
  }

  step(): void {
    this.#spend('steps', 1);
    // Reading the clock every step would cost more than the step itself.
    if ((this.steps & 0xff) === 0 && this.#now() - this.#start > this.limits.timeMs) this.#fail('timeMs');
  }

  path(): void {
    this.#spend('paths', 1);
  }

  usage(): BudgetUsage {
    return {
      signatures: this.signatures,
      steps: this.steps,
      paths: this.paths,
      elapsedMs: this.#now() - this.#start,
      exhausted: this.exhausted,
    };
  }
}
