// Flag values (tables in flag-tables.ts) become a configuration document that goes through
// parseConfig like a file, so flags and files produce the same model; problems are reported
// under the flag's name (`--listen`) instead of the document path.
import { ConfigError } from '../errors.js';
import { parseConfig } from './parse.js';
import { parsePath, type PathKey } from './paths.js';
import type { Config } from './types.js';
import { SERVE_FLAGS, type FlagSpec, type FlagValues, type ServeFlags } from './flag-tables.js';

export { SERVE_FLAGS, SERVE_PARSE_OPTIONS, parseOptionsOf, type FlagSpec, type FlagValues, type ServeFlagName, type ServeFlags } from './flag-tables.js';

/** What the flags leave unsaid, and flags cannot say: one store, one certificate, one listener. */
function serveDocument(withListener: boolean): Record<string, unknown> {
  return {
    trust: { stores: [{ name: 'default', sources: ['system'] }] },
    certificates: [{ name: 'default' }],
    ...(withListener ? { listeners: [{ name: 'default', certificate: 'default' }] } : {}),
  };
}

/**
 * The model the serve flags describe (without --config: loadServeConfig reads the file then).
 * `explain` describes certificates and trust only: `{ listener: false }`.
 * Throws ConfigError whose problem paths are flag names such as `--listen`.
 */
export function configFromServeFlags(flags: Omit<ServeFlags, 'config'>, options: { listener?: boolean } = {}): Config {
  return configFromFlags(SERVE_FLAGS, flags, serveDocument(options.listener ?? true));
}

/**
 * Set each flag's value at its path in `doc`, then parse the document like a file. Problems
 * are reported under the flag that set the value, in the table's (--help) order.
 */
export function configFromFlags<F extends Record<string, FlagSpec>>(specs: F, flags: FlagValues<F>, doc: Record<string, unknown>): Config {
  const model = (Object.entries(specs) as [keyof F & string, FlagSpec][]).flatMap(([name, spec]) =>
    spec.path === undefined ? [] : [{ name, flag: `--${name}`, path: spec.path }],
  );
  for (const { name, path } of model) {
    const value = flags[name];
    if (value !== undefined) setPath(doc, parsePath(path), value);
  }
  try {
    return parseConfig(doc);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    // The flag that sets `path`, or the list `path` is an item of.
    const flagAt = (path: string) => model.find((f) => path === f.path || path.startsWith(`${f.path}[`) || path.startsWith(`${f.path}.`))?.flag;
    const order = (flag: string) => {
      const index = model.findIndex((f) => f.flag === flag);
      return index < 0 ? model.length : index;
    };
    // A message that mentions another place ("collides with admin.listen") names its flag instead.
    const naming = (message: string) => model.reduce((text, f) => text.replaceAll(f.path, f.flag), message);
    const problems = error.problems.map((p) => ({ path: flagAt(p.path) ?? p.path, message: naming(p.message) }));
    throw new ConfigError(problems.sort((a, b) => order(a.path) - order(b.path)));
  }
}

function setPath(doc: Record<PathKey, unknown>, keys: readonly PathKey[], value: unknown): void {
  let node = doc;
  keys.forEach((key, i) => {
    if (i === keys.length - 1) node[key] = value;
    else node = (node[key] ??= typeof keys[i + 1] === 'number' ? [] : {}) as Record<PathKey, unknown>;
  });
}
