// wrk (https://github.com/wg/wrk, Debian package `wrk`) as the HTTP load generator when it is
// installed: a C client with its own event loop, far cheaper per request than any Node client.
import { spawnSync } from 'node:child_process';
import { runCommand } from './processes.js';

export interface HttpLoadResult {
  readonly requests: number;
  readonly rate: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
}

export function wrkAvailable(): boolean {
  const r = spawnSync('wrk', ['--version'], { stdio: 'ignore' });
  return !r.error;
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

function durationMs(text: string): number {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(text);
  if (!m) throw new Error(`wrk: unreadable duration "${text}"`);
  return Number(m[1]) * UNIT_MS[m[2]!]!;
}

/** Parse `wrk --latency` output. */
export function parseWrk(output: string): HttpLoadResult {
  const p50 = /^\s+50%\s+(\S+)/m.exec(output);
  const p99 = /^\s+99%\s+(\S+)/m.exec(output);
  const total = /^\s+(\d+) requests in/m.exec(output);
  const rate = /^Requests\/sec:\s+([\d.]+)/m.exec(output);
  if (!p50 || !p99 || !total || !rate) throw new Error(`wrk: unreadable output:\n${output}`);
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(output);
  const errors = (socketErrors ? socketErrors.slice(1).reduce((n, v) => n + Number(v), 0) : 0) + (non2xx ? Number(non2xx[1]) : 0);
  return { requests: Number(total[1]), rate: Number(rate[1]), p50Ms: durationMs(p50[1]!), p99Ms: durationMs(p99[1]!), errors };
}

export async function runWrk(url: string, connections: number, durationMs: number): Promise<HttpLoadResult> {
  const seconds = Math.max(1, Math.round(durationMs / 1000));
  const output = await runCommand('wrk', ['-t1', `-c${connections}`, `-d${seconds}s`, '--latency', url]);
  return parseWrk(output);
}
