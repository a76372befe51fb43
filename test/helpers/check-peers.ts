// Peers for the `rechain check` and /probe tests: TLS servers on 127.0.0.1 that present exactly
// the certificates given, in the order given (OpenSSL sends a configured chain as is), and
// runCheck in-process with its output captured. Certificates are generated per test.
import tls from 'node:tls';
import type { Test } from 'tap';
import type { CheckView } from '../../src/check/view.js';
import { runCheck } from '../../src/cli/check.js';
import type { Issued } from '../../src/pki/generate.js';
import { listen } from './sockets.js';

export const DAY = 86_400_000;

/** A TLS server presenting `chain` (leaf first, as listed) with `leaf`'s key; its port. */
export function presentChain(t: Test, leaf: Issued, chain: readonly Issued[], options: { alpn?: string[] } = {}): Promise<number> {
  const server = tls.createServer({ key: leaf.keyPem, cert: chain.map((c) => c.pem).join(''), ALPNProtocols: options.alpn });
  // A client that hangs up right after the handshake is what check does; nothing to report.
  server.on('tlsClientError', () => {});
  return listen(t, server);
}

export interface CheckRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** `rechain check ARGS` in this process: exit code and output. Usage and config errors reject. */
export async function check(args: readonly string[]): Promise<CheckRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCheck(args, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: process.env,
  });
  return { code, stdout, stderr };
}

/** `rechain check ARGS --json`: exit code and the parsed report. */
export async function checkJson(args: readonly string[]): Promise<{ code: number; view: CheckView }> {
  const run = await check([...args, '--json']);
  return { code: run.code, view: JSON.parse(run.stdout) as CheckView };
}

/** Problem codes of a report, `code` or `code@store`, in report order. */
export function problemCodes(view: CheckView): string[] {
  return view.problems.map((p) => (p.store === undefined ? p.code : `${p.code}@${p.store}`));
}
