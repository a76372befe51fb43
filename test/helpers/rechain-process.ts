// rechain as a real child process, run from the TypeScript source with the same loader the
// test runs under: real argv, real signals, real exit codes, JSON logs read line by line.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MAIN = path.join(REPO, 'src/cli/main.ts');

export type LogEvent = Record<string, unknown> & { event?: string; msg?: string; level?: string };

export interface RechainProcess {
  readonly child: ChildProcess;
  readonly events: LogEvent[];
  stderr(): string;
  /** Resolves with the first log event (past or future) that matches. */
  waitFor(match: (e: LogEvent) => boolean, what?: string, timeoutMs?: number): Promise<LogEvent>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then wait for the exit. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function nodeArgs(args: readonly string[]): string[] {
  return [...process.execArgv, MAIN, ...args];
}

export function startRechain(args: readonly string[], env: NodeJS.ProcessEnv = {}): RechainProcess {
  const child = spawn(process.execPath, nodeArgs(args), { cwd: REPO, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const events: LogEvent[] = [];
  const waiters: { match: (e: LogEvent) => boolean; resolve: (e: LogEvent) => void }[] = [];
  let stderr = '';
  let buffered = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      let event: LogEvent;
      try {
        event = JSON.parse(line) as LogEvent;
      } catch {
        event = { msg: line };
      }
      events.push(event);
      for (const w of [...waiters]) {
        if (w.match(event)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(event);
        }
      }
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    events,
    stderr: () => stderr,
    exited,
    waitFor(match, what = 'a log event', timeoutMs = 30_000) {
      const seen = events.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; stderr: ${stderr}; events: ${JSON.stringify(events.slice(-5))}`)), timeoutMs);
        waiters.push({ match, resolve: (e) => (clearTimeout(timer), resolve(e)) });
        void exited.then(() => reject(new Error(`rechain exited while waiting for ${what}; stderr: ${stderr}`)));
      });
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** Run a command to completion: exit code, stdout, stderr. */
export function runRechain(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, nodeArgs(args), { cwd: REPO, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The address a listener (or the admin server) bound, from the `started` event. */
export async function boundPorts(p: RechainProcess): Promise<{ listeners: Record<string, number>; admin: number | undefined }> {
  const started = await p.waitFor((e) => e.event === 'started', 'the started event');
  const port = (addr: unknown): number => Number(String(addr).split(':').pop());
  const listeners = Object.fromEntries(Object.entries(started.listeners as Record<string, string>).map(([k, v]) => [k, port(v)]));
  return { listeners, admin: started.admin ? port(started.admin) : undefined };
}
