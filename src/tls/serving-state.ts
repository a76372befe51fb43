// tls/ owns what serving needs from the inputs: loading them (inputs.ts), computing chains,
// immutable snapshots of TLS contexts, and their atomic replacement. It must not import net/
// listeners, proxy/ or cli/.
//
// The holder of the current snapshot and the one place that replaces it. Triggers (the file
// watcher, SIGHUP, the periodic timer) live at the edge and only call reload().
import type { Logger } from 'pino';
import type { Metrics } from '../admin/metrics.js';
import type { ChainReport } from '../chain/engine.js';
import type { TrustPolicy } from '../chain/policy.js';
import type { Config } from '../config/types.js';
import { isRechainError } from '../errors.js';
import type { SignatureVerifier } from '../pki/signatures.js';
import type { Clock } from '../runtime/clock.js';
import type { Environment } from '../trust/index.js';
import { computeReports, trustPolicy } from './compute.js';
import { loadInputs, type Inputs } from './inputs.js';
import { createAiaFetcher, type AiaFetcher } from '../trust/aia.js';
import { selectionEvent, servedChainMetrics } from './selection.js';
import { buildSnapshot, type Snapshot } from './snapshot.js';

export interface ServingDeps {
  readonly config: Config;
  readonly env: Environment;
  readonly clock: Clock;
  readonly verifier: SignatureVerifier;
  readonly metrics: Metrics;
  readonly logger: Logger;
  readonly ticketKeys: Buffer;
}

export type ReloadTrigger = 'start' | 'watch' | 'signal' | 'timer';

export type ReloadResult = { ok: true; snapshot: Snapshot } | { ok: false; error: Error };

export class ServingState {
  readonly #deps: ServingDeps;
  readonly #onSwap: ((snapshot: Snapshot) => void)[] = [];
  #snapshot: Snapshot | undefined;
  #inputs: Inputs | undefined;
  #generation = 0;
  #running: Promise<ReloadResult> | undefined;
  readonly #aia: AiaFetcher | undefined;
  #queued: Promise<ReloadResult> | undefined;

  constructor(deps: ServingDeps) {
    this.#deps = deps;
    this.#aia = deps.config.trust.aia ? createAiaFetcher() : undefined;
  }

  get snapshot(): Snapshot {
    if (!this.#snapshot) throw new Error('serving state used before start()');
    return this.#snapshot;
  }

  /** Every file and directory the current state was read from. */
  get paths(): readonly string[] {
    return this.#inputs?.paths ?? [];
  }

  /** The trust policy the current chains were computed with (its stores as last loaded), for /probe. */
  get trustPolicy(): TrustPolicy {
    if (!this.#inputs) throw new Error('serving state used before start()');
    return trustPolicy(this.#inputs, this.#deps.config.trust);
  }

  onSwap(listener: (snapshot: Snapshot) => void): void {
    this.#onSwap.push(listener);
  }

  /** The first build; it throws, since there is no last good state to keep. */
  async start(): Promise<Snapshot> {
    const { snapshot, inputs } = await this.#build();
    this.#swap(snapshot, inputs, 'start');
    return snapshot;
  }

  /**
   * Rebuild everything from the files as they are now, then swap. A reload that fails (an
   * unreadable or garbage file, a key that does not match, a route the new leaf does not
   * cover) keeps the last good snapshot: it is logged, counted, and serving goes on. Calls
   * during a reload are coalesced into one more reload after it.
   */
  reload(trigger: ReloadTrigger): Promise<ReloadResult> {
    if (!this.#running) {
      this.#running = this.#reloadOnce(trigger).finally(() => (this.#running = undefined));
      return this.#running;
    }
    this.#queued ??= this.#running.then(() => {
      this.#queued = undefined;
      return this.reload(trigger);
    });
    return this.#queued;
  }

  async #reloadOnce(trigger: ReloadTrigger): Promise<ReloadResult> {
    const { logger, metrics } = this.#deps;
    try {
      const { snapshot, inputs } = await this.#build();
      this.#swap(snapshot, inputs, trigger);
      return { ok: true, snapshot };
    } catch (e) {
      const error = e instanceof Error ? e : new Error(String(e));
      metrics.reload('error');
      logger.error(
        { event: 'reload_failed', trigger, code: isRechainError(error) ? error.code : undefined, error: isRechainError(error) ? error.describe() : error.message },
        'reload failed; still serving the last good chains',
      );
      return { ok: false, error };
    }
  }

  async #build(): Promise<{ snapshot: Snapshot; inputs: Inputs }> {
    const { config, env, clock, verifier, ticketKeys } = this.#deps;
    const inputs = await loadInputs(config, { env, keys: 'required', aia: this.#aia });
    const at = clock.now();
    const monotonic = (): number => clock.monotonic();
    const served = new Set(config.listeners.flatMap((l) => [l.certificate, ...l.routes.map((r) => r.certificate)]));
    const presented = new Set(config.connectors.flatMap((c) => (c.certificate ? [c.certificate] : [])));
    const chains = {
      reports: computeReports(inputs, config.trust, at, verifier, monotonic, 'serverAuth', served),
      clientReports: computeReports(inputs, config.trust, at, verifier, monotonic, 'clientAuth', presented),
    };
    return { snapshot: buildSnapshot(config, inputs, chains, ticketKeys, this.#generation + 1, at), inputs };
  }

  #swap(snapshot: Snapshot, inputs: Inputs, trigger: ReloadTrigger): void {
    const { logger, metrics } = this.#deps;
    const previous = this.#snapshot;
    this.#snapshot = snapshot;
    this.#inputs = inputs;
    this.#generation = snapshot.generation;
    for (const listener of this.#onSwap) listener(snapshot);
    for (const warning of inputs.warnings) logger.warn({ event: 'input_warning', file: warning.file }, warning.message);
    for (const [label, report, before] of chainsOf(snapshot, previous)) {
      metrics.chainSelected(label, servedChainMetrics(report));
      const changed = !sameServed(before, report);
      logger[report.valid ? 'info' : 'error'](selectionEvent(label, report, changed, trigger), chainMessage(report, changed));
    }
    if (trigger !== 'start') metrics.reload('success');
    logger.info({ event: 'reload', trigger, generation: snapshot.generation, certificates: snapshot.reports.size + snapshot.clientReports.size }, 'chains computed');
  }
}

/**
 * Every computed chain with its metric/log label and its previous version: served chains by
 * certificate name, client chains by name too, or `NAME (client)` when it also serves.
 */
function chainsOf(snapshot: Snapshot, previous: Snapshot | undefined): [string, ChainReport, ChainReport | undefined][] {
  const served = [...snapshot.reports].map(([name, r]): [string, ChainReport, ChainReport | undefined] => [name, r, previous?.reports.get(name)]);
  const client = [...snapshot.clientReports].map(([name, r]): [string, ChainReport, ChainReport | undefined] => [
    snapshot.reports.has(name) ? `${name} (client)` : name,
    r,
    previous?.clientReports.get(name),
  ]);
  return [...served, ...client];
}

function sameServed(a: ChainReport | undefined, b: ChainReport): boolean {
  return a !== undefined && a.valid === b.valid && a.served.length === b.served.length && a.served.every((c, i) => c.der.equals(b.served[i]!.der));
}

function chainMessage(report: ChainReport, changed: boolean): string {
  if (!report.valid) return 'no valid chain: serving the configured bundle unchanged';
  return `${changed ? 'serving' : 'still serving'} ${report.rewritten ? 'a computed chain that differs from the configured bundle' : 'the configured bundle'}`;
}
