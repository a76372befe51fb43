// The one way into the model: a raw document (parsed YAML, or what flags.ts assembles) becomes a
// frozen Config, or a ConfigError listing every problem found, shape and semantics together.
import { ConfigError, type ConfigProblem } from '../errors.js';
import { buildConfig } from './build.js';
import { semanticProblems } from './checks.js';
import type { RawConfig } from './schema.js';
import type { Config } from './types.js';
import { schemaProblems } from './validate.js';

/** Validate and normalize a configuration document. Pure: never touches the filesystem. */
export function parseConfig(raw: unknown, file?: string): Config {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    const problem: ConfigProblem = { path: '', message: 'the configuration must be a mapping of options (trust:, certificates:, listeners: ...)' };
    throw new ConfigError([problem], file);
  }
  const shape = schemaProblems(raw);
  const problems = [...shape, ...semanticProblems(raw as Record<string, unknown>, shape)];
  if (problems.length > 0) throw new ConfigError(problems, file);
  // A copy, so freezing the model never freezes the caller's document.
  return deepFreeze(buildConfig(structuredClone(raw) as RawConfig));
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
