// Child processes of the proxy benchmark: servers that announce themselves with a JSON line on
// stdout, one-shot clients that print one JSON line, and what /proc says about a server (CPU
// time of all its threads, resident memory). Every child started here is stopped on exit.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

const started = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

export interface Server {
  readonly pid: number;
  /** The first stdout line that `isReady` accepted, parsed. */
  readonly announcement: Record<string, unknown>;
  stop(): Promise<void>;
}

/**
 * Spawn a long-running process and wait until one of its stdout JSON lines satisfies `isReady`.
 * stdout keeps being read (and dropped) so the child never blocks on a full pipe.
 */
export async function startServer(
  file: string,
  args: readonly string[],
  isReady: (line: Record<string, unknown>) => boolean,
  timeoutMs = 20_000,
): Promise<Server> {
  const child = spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  started.add(child);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    if (stderr.length < 4000) stderr += chunk.toString();
  });
  const lines = createInterface({ input: child.stdout! });
  const announcement = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${args.join(' ')}: not ready after ${timeoutMs} ms\n${stderr}`)), timeoutMs);
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited ${code} before it was ready\n${stderr}`)));
    lines.on('line', (line) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        return;
      }
      if (parsed && typeof parsed === 'object' && isReady(parsed as Record<string, unknown>)) {
        clearTimeout(timer);
        resolve(parsed as Record<string, unknown>);
      }
    });
  });
  return {
    pid: child.pid!,
    announcement,
    stop: () => stopChild(child),
  };
}

/** SIGTERM (and stdin closed), then SIGKILL if it is still there after a grace period. */
async function stopChild(child: ChildProcess, graceMs = 3_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    started.delete(child);
    return;
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.stdin?.end();
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
  started.delete(child);
}

export interface Held {
  readonly result: Record<string, unknown>;
  release(): Promise<void>;
}

/** Run a client that prints one JSON line and exits. */
export async function runClient(file: string, args: readonly string[]): Promise<Record<string, unknown>> {
  const held = await holdClient(file, args);
  await held.release();
  return held.result;
}

/** Run a client until it prints its JSON line; release() closes its stdin and waits for it to exit. */
export async function holdClient(file: string, args: readonly string[]): Promise<Held> {
  const child = spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  started.add(child);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    if (stderr.length < 4000) stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const lines = createInterface({ input: child.stdout! });
  const result = await new Promise<Record<string, unknown>>((resolve, reject) => {
    lines.once('line', (line) => {
      try {
        resolve(JSON.parse(line) as Record<string, unknown>);
      } catch (e) {
        reject(e);
      }
    });
    void exited.then((code) => reject(new Error(`client ${args.join(' ')} exited ${code} without a result\n${stderr}`)));
  });
  return {
    result,
    release: async () => {
      child.stdin!.end();
      const code = await exited;
      started.delete(child);
      if (code !== 0) throw new Error(`client ${args.join(' ')} exited ${code}\n${stderr}`);
    },
  };
}

/** Run a command to completion and return its stdout (wrk). */
export function runCommand(file: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    started.add(child);
    let out = '';
    let err = '';
    child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      started.delete(child);
      if (code === 0) resolve(out);
      else reject(new Error(`${file} ${args.join(' ')} exited ${code}: ${err || out}`));
    });
  });
}

const CLOCK_TICKS = 100; // USER_HZ: 100 on every Linux architecture Node runs on

/** User + system CPU seconds of every thread of `pid` so far. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name, in parentheses, may hold spaces: split after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** Resident set size of `pid` in bytes. */
export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+) kB/m.exec(status);
  if (!match) throw new Error(`no VmRSS for ${pid}`);
  return Number(match[1]) * 1024;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
