// `rechain explain`: every candidate path for each certificate, its verdict per store and
// reasons, and the chosen chain. Exit 0 if every certificate has a valid chain, 1 if not.
// With --cert/--pool/--trust/--at/--servername it is a plain path validator.
import { reportView } from '../chain/report-view.js';
import { configFromServeFlags, loadConfigFile, type Config } from '../config/index.js';
import { EXPLAIN_INPUT_FLAGS, SERVE_PARSE_OPTIONS } from '../config/flag-tables.js';
import { ConfigError, ErrorCodes, RechainError } from '../errors.js';
import { CachingSignatureVerifier } from '../pki/signatures.js';
import { computeReports } from '../tls/compute.js';
import { loadInputs } from '../tls/inputs.js';
import { createAiaFetcher } from '../trust/aia.js';
import { parseFlags } from './args.js';
import { renderExplain } from './render-explain.js';


const OPTIONS = {
  config: SERVE_PARSE_OPTIONS.config,
  ...Object.fromEntries(EXPLAIN_INPUT_FLAGS.map((f) => [f, SERVE_PARSE_OPTIONS[f]])),
  at: { type: 'string' },
  json: { type: 'boolean' },
} as const;

export function parseAt(text: string | undefined, now: number): number {
  if (text === undefined) return now;
  const at = Date.parse(text);
  if (Number.isNaN(at) || !/^\d{4}-\d{2}-\d{2}/.test(text)) {
    throw new RechainError(ErrorCodes.USAGE, `--at: "${text}" is not an ISO 8601 time (e.g. 2021-09-30T14:01:15Z)`, { field: '--at' });
  }
  return at;
}

async function explainConfig(values: Record<string, string | string[] | boolean | undefined>): Promise<Config> {
  if (typeof values.config === 'string') {
    const others = EXPLAIN_INPUT_FLAGS.filter((f) => values[f] !== undefined);
    if (others.length > 0) throw new ConfigError(others.map((f) => ({ path: `--${f}`, message: 'cannot be combined with --config; set it in the file' })));
    return loadConfigFile(values.config);
  }
  if (values.cert === undefined) throw new RechainError(ErrorCodes.USAGE, 'explain needs --cert FILE or --config FILE', { field: '--cert' });
  return configFromServeFlags(values, { listener: false });
}

export async function runExplain(args: readonly string[]): Promise<number> {
  const { values } = parseFlags(args, OPTIONS);
  const config = await explainConfig(values as Record<string, string | string[] | boolean | undefined>);
  const at = parseAt(values.at, Date.now());
  const inputs = await loadInputs(config, { env: process.env, keys: 'optional', clientCas: false, aia: config.trust.aia ? createAiaFetcher() : undefined });
  for (const w of inputs.warnings) process.stderr.write(`warning: ${w.file}: ${w.message}\n`);
  const reports = computeReports(inputs, config.trust, at, new CachingSignatureVerifier(), () => performance.now());
  const allValid = [...reports.values()].every((r) => r.valid);
  if (values.json) {
    const certificates = Object.fromEntries([...reports].map(([name, r]) => [name, reportView(r)]));
    process.stdout.write(`${JSON.stringify({ at: new Date(at).toISOString(), valid: allValid, certificates }, null, 2)}\n`);
  } else {
    process.stdout.write(`${[...reports].map(([name, r]) => renderExplain(name, reportView(r))).join('\n\n')}\n`);
  }
  return allValid ? 0 : 1;
}
