// `rechain check HOST:PORT`: connect as a client, take the chain the peer presents, and say
// per trust store whether a client accepts it and why not, what else is wrong with it, and
// the chain rechain would serve instead. Exit 0 if every required store accepts and no
// problem blocks, 1 if not (or the peer cannot be reached), 2 on usage or config errors.
import type { CertificateView } from '../chain/report-view.js';
import {
  analyzeChain,
  checkView,
  fetchPresentedChain,
  parseTarget,
  type CheckView,
  type ProblemCode,
  type ProblemView,
  type StoreCheckView,
} from '../check/index.js';
import { durationMs, durationProblem, MAX_TIMER_MS } from '../config/durations.js';
import { loadConfigFile, parseConfig, type Config } from '../config/index.js';
import { ConfigError, ErrorCodes, RechainError } from '../errors.js';
import type { Certificate } from '../pki/certificate.js';
import { loadCertificates, mergeLoaded } from '../pki/load-certificates.js';
import { CachingSignatureVerifier } from '../pki/signatures.js';
import { trustPolicy } from '../tls/compute.js';
import { loadInputs } from '../tls/inputs.js';
import { parseFlags } from './args.js';
import { parseAt } from './explain.js';
import { sentence } from './reason-text.js';

const OPTIONS = {
  config: { type: 'string' },
  trust: { type: 'string', multiple: true },
  distrust: { type: 'string', multiple: true },
  horizon: { type: 'string' },
  pool: { type: 'string', multiple: true },
  servername: { type: 'string' },
  alpn: { type: 'string', multiple: true },
  at: { type: 'string' },
  timeout: { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** --help lines, in the order of OPTIONS. */

const DEFAULT_TIMEOUT = '10s';

/** Where the output goes; `process` by default, a capture in tests. */
export interface CheckIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  readonly env: NodeJS.ProcessEnv;
}

type Values = ReturnType<typeof parseFlags<typeof OPTIONS>>['values'];

const TRUST_FLAGS = [
  { flag: '--trust', path: 'trust.stores[0].sources' },
  { flag: '--distrust', path: 'trust.distrust' },
  { flag: '--horizon', path: 'trust.horizon' },
] as const;

/** The trust policy from flags: one store, `default`, as serve's flags make it. */
function configFromTrustFlags(values: Values): Config {
  const trust = {
    stores: [{ name: 'default', sources: values.trust ?? ['system'] }],
    ...(values.distrust ? { distrust: values.distrust } : {}),
    ...(values.horizon !== undefined ? { horizon: values.horizon } : {}),
  };
  try {
    return parseConfig({ trust });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const flagOf = (path: string) => TRUST_FLAGS.find((f) => path === f.path || path.startsWith(`${f.path}[`))?.flag ?? path;
    throw new ConfigError(error.problems.map((p) => ({ path: flagOf(p.path), message: p.message })));
  }
}

async function checkConfig(values: Values): Promise<Config> {
  if (values.config === undefined) return configFromTrustFlags(values);
  const given = (['trust', 'distrust', 'horizon'] as const).filter((f) => values[f] !== undefined);
  if (given.length > 0) throw new ConfigError(given.map((f) => ({ path: `--${f}`, message: 'cannot be combined with --config; set it in the file' })));
  const file = await loadConfigFile(values.config);
  // Only the trust policy applies: the file's certificates and listeners are not read.
  return { ...file, certificates: [], listeners: [], connectors: [] };
}

function timeoutMs(text: string): number {
  const problem = durationProblem(text, { positive: true, maxMs: MAX_TIMER_MS });
  if (problem) throw new RechainError(ErrorCodes.USAGE, problem, { field: '--timeout' });
  return durationMs(text);
}

function targetOf(positionals: readonly string[], values: Values) {
  const text = positionals[0];
  if (text === undefined) throw new RechainError(ErrorCodes.USAGE, 'check needs the peer to connect to: rechain check HOST:PORT', { field: 'HOST:PORT' });
  const parsed = parseTarget(text, values.servername);
  if ('problem' in parsed) throw new RechainError(ErrorCodes.USAGE, parsed.problem, { field: parsed.field === 'target' ? 'HOST:PORT' : '--servername' });
  return parsed.target;
}

async function loadPool(paths: readonly string[], io: CheckIo): Promise<Certificate[]> {
  const loaded = mergeLoaded(await Promise.all(paths.map((p) => loadCertificates(p))));
  for (const w of loaded.warnings) io.stderr.write(`warning: ${w.file}: ${w.message}\n`);
  return loaded.certificates;
}

// The readable report. Problems become sentences here and nowhere else.

const short = (c: CertificateView): string => `${c.name} (${c.fingerprint.slice(0, 8)})`;

const PROBLEM_TEXT: Record<ProblemCode, (cert: string, p: ProblemView) => string> = {
  wrong_order: (c, p) => `#${p.value} ${c} does not certify #${Number(p.value) - 1}, the certificate sent before it`,
  root_included: (c, p) => `#${p.value} ${c} is a self-signed root: clients use their own copy (or do not trust it), so it only adds bytes`,
  name_mismatch: (c, p) => `the leaf ${c} does not cover the name ${p.value}`,
  incomplete_chain: (c, p) =>
    `the presented certificates stop at ${c}, whose issuer (${p.value}) was not sent; ${p.completedByPool ? 'the pool has it' : 'nor does any certificate in the pool'}`,
  removed_root: (c, p) =>
    p.certificate ? `the chain leads to ${c}, a root this store does not hold` : `the chain heads for ${p.value}, which this store does not hold; the pool reaches the store another way`,
  distrusted_root: (c) => `the chain leads to ${c}, a root the trust policy distrusts`,
  distrusted_certificate: (c) => `the path uses ${c}, which the trust policy distrusts`,
  expires_within_horizon: (c, p) => `${c} expires at ${p.value}, inside the horizon`,
};

function problemLine(p: ProblemView): string {
  const where = p.store === undefined ? '' : ` (store ${p.store}${p.blocking ? '' : ', optional: not counted'})`;
  return `${p.code}${where}: ${PROBLEM_TEXT[p.code](p.certificate ?? 'a certificate', p)}`;
}

function storeLines(s: StoreCheckView): string[] {
  const head = `store ${s.store} (${s.required ? 'required' : 'optional'}): `;
  if (!s.accepted) return [`${head}REJECTS the chain`, ...s.reasons.map((r) => `    ${sentence(r)}`)];
  const anchor = s.path[s.path.length - 1]!;
  return [`${head}accepts: ${[...s.path.slice(0, -1).map(short), `[${short(anchor)}]`].join(' -> ')}`];
}

function proposalLines(view: CheckView): string[] {
  const { proposal } = view;
  if (!proposal.valid) {
    const reasons = Object.entries(proposal.rejections).map(([reason, n]) => `${reason} x${n}`);
    return [`rechain has no chain valid for every required store from these certificates${reasons.length ? ` (rejections: ${reasons.join(', ')})` : ''}`];
  }
  const stores = proposal.verdicts.filter((v) => v.valid).map((v) => v.store);
  if (!proposal.changed) return [`rechain would serve the same chain (valid for ${stores.join(', ')})`];
  const anchor = proposal.verdicts.find((v) => v.valid && v.anchor)?.anchor;
  const chain = [...proposal.served.map(short), ...(anchor ? [`[${short(anchor)}]`] : [])].join(' -> ');
  return [`rechain would serve instead: ${chain}`, `    valid for ${stores.join(', ')}`];
}

function renderCheck(view: CheckView): string {
  const sni = view.servername ? `SNI ${view.servername}` : 'no SNI';
  const out = [`check ${view.target} (${sni}) at ${view.at}: ${view.tls.protocol}, ${view.tls.cipher}, ALPN ${view.tls.alpn ?? 'none'}`, '', 'presented:'];
  for (const [i, c] of view.presented.entries()) out.push(`  #${i + 1} ${short(c)}  issuer ${c.issuer}  expires ${c.notAfter}`);
  out.push('', ...view.stores.flatMap(storeLines));
  if (view.problems.length > 0) out.push('', 'problems:', ...view.problems.map((p) => `  ${problemLine(p)}`));
  out.push('', ...proposalLines(view), '');
  const blocking = view.problems.filter((p) => p.blocking).length;
  const rejecting = view.stores.filter((s) => s.required && !s.accepted).length;
  out.push(
    view.ok
      ? 'OK: every required store accepts the chain and no problem blocks'
      : `FAIL: ${rejecting} required store(s) reject the chain, ${blocking} blocking problem(s)`,
  );
  return out.join('\n');
}

export async function runCheck(args: readonly string[], io: CheckIo = process): Promise<number> {
  const { values, positionals } = parseFlags(args, OPTIONS, 1);
  const target = targetOf(positionals, values);
  const at = parseAt(values.at, Date.now());
  const timeout = timeoutMs(values.timeout ?? DEFAULT_TIMEOUT);
  // Every input is read before connecting: a configuration error never costs a handshake.
  const config = await checkConfig(values);
  const inputs = await loadInputs(config, { env: io.env, keys: 'optional' });
  for (const w of inputs.warnings) io.stderr.write(`warning: ${w.file}: ${w.message}\n`);
  const pool = await loadPool(values.pool ?? [], io);

  const fetched = await fetchPresentedChain({ target: target.address, servername: target.servername, timeoutMs: timeout, alpn: values.alpn });
  const check = analyzeChain({
    presented: fetched.certificates,
    policy: trustPolicy(inputs, config.trust),
    names: target.names,
    at,
    pool,
    verifier: new CachingSignatureVerifier(),
    monotonicNow: () => performance.now(),
  });
  const view = checkView(target, fetched, check);
  io.stdout.write(values.json ? `${JSON.stringify(view, null, 2)}\n` : `${renderCheck(view)}\n`);
  return check.ok ? 0 : 1;
}
