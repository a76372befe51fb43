// Real TLS clients for integration tests: openssl s_client (what a server sent, verified or
// not), curl, and node:tls. Each returns plain data; nothing here asserts.
import { execFile } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import tls from 'node:tls';
import { decodePem } from '../../src/pki/pem.js';

export interface SClientResult {
  /** s_client exited 0 with -verify_return_error: the chain verified against the CA file. */
  readonly verified: boolean;
  readonly output: string;
  /** SHA-256 fingerprints of the certificates the server sent, in order. */
  readonly served: string[];
}

function run(cmd: string, args: string[], input = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(cmd, args, { timeout: 20_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
    child.stdin?.end(input);
  });
}

export async function sClient(port: number, options: { servername?: string; caFile: string; extra?: string[] }): Promise<SClientResult> {
  const args = ['s_client', '-connect', `127.0.0.1:${port}`, '-CAfile', options.caFile, '-verify_return_error', '-showcerts', ...(options.extra ?? [])];
  if (options.servername) args.push('-servername', options.servername);
  const { code, stdout, stderr } = await run('openssl', args, 'Q\n');
  const served = decodePem(stdout)
    .filter((b) => b.label === 'CERTIFICATE')
    .map((b) => createHash('sha256').update(b.der).digest('hex'));
  return { verified: code === 0 && /Verify return code: 0 \(ok\)/.test(stdout), output: stdout + stderr, served };
}

export async function curl(url: string, options: { caFile: string; resolve?: string; headers?: string[] }): Promise<{ code: number; status: number; body: string; stderr: string }> {
  const args = ['-sS', '--max-time', '15', '--cacert', options.caFile, '-w', '\n%{http_code}', url];
  if (options.resolve) args.push('--resolve', options.resolve);
  for (const h of options.headers ?? []) args.push('-H', h);
  const { code, stdout, stderr } = await run('curl', args);
  const cut = stdout.lastIndexOf('\n');
  return { code, status: Number(stdout.slice(cut + 1)), body: stdout.slice(0, cut), stderr };
}

/** A verified node:tls connection; rejects with the TLS error when verification fails. */
export function nodeConnect(port: number, options: { ca: string; servername: string }): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port, ca: options.ca, servername: options.servername }, () => resolve(socket));
    socket.once('error', reject);
  });
}

export function fingerprintOfPem(pem: string): string {
  return new X509Certificate(pem).fingerprint256.replace(/:/g, '').toLowerCase();
}
