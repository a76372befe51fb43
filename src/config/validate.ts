// Shape validation: ajv (every error, not the first) against config/rechain.schema.json, with
// each ajv error turned into a problem an operator can act on: a dotted path and a plain
// sentence. The JSON file is generated from the TypeBox schema (schema.ts) and a test keeps the
// two equal; reading the JSON at run time spares every command TypeBox's load time.
import { Ajv, type ErrorObject } from 'ajv';
import type { ConfigProblem } from '../errors.js';
import { STRING_FORMATS, isStringFormatName } from './formats.js';
import { formatPath, pointerKeys, type PathKey } from './paths.js';
import { NAME_PATTERN } from './patterns.js';
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** config/rechain.schema.json above this file: src/config/ from source, dist/src/config/ built. */
function committedSchema(): object {
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'config', 'rechain.schema.json');
    if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as object;
    if (path.dirname(dir) === dir) throw new Error('config/rechain.schema.json not found above the config module');
  }
}

// The schema is trusted (generated, tested), so ajv need not validate it against its meta-schema.
const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, validateSchema: false });
for (const [name, format] of Object.entries(STRING_FORMATS)) {
  ajv.addFormat(name, { type: 'string', validate: (text: string) => format.problem(text) === undefined });
}
const validateConfig = ajv.compile(committedSchema());

const PATTERN_MEANINGS: Record<string, string> = {
  [NAME_PATTERN]: "must use only lowercase letters, digits, '-' and '_'",
};

/** Every problem with the shape of `raw`; empty when it matches the schema. */
export function schemaProblems(raw: unknown): ConfigProblem[] {
  if (validateConfig(raw)) return [];
  const unique = new Map<string, ConfigProblem>();
  for (const error of validateConfig.errors ?? []) {
    const problem = problemOf(error, raw);
    unique.set(`${problem.path}\n${problem.message}`, problem);
  }
  return [...unique.values()];
}

function problemOf(error: ErrorObject, root: unknown): ConfigProblem {
  const keys = pointerKeys(error.instancePath, root);
  const at = (...more: PathKey[]) => formatPath([...keys, ...more]);
  const params = error.params as Record<string, unknown>;
  const parent = error.parentSchema as { format?: unknown; properties?: Record<string, unknown> } | undefined;
  switch (error.keyword) {
    case 'required':
      return { path: at(String(params.missingProperty)), message: 'is required' };
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      return { path: at(key), message: unknownKeyMessage(key, Object.keys(parent?.properties ?? {})) };
    }
    case 'format': {
      const format = params.format;
      const specific = isStringFormatName(format) ? STRING_FORMATS[format].problem(String(error.data)) : undefined;
      return { path: at(), message: specific ?? error.message ?? 'is malformed' };
    }
    case 'type': {
      const hint = params.type === 'array' && typeof error.data === 'string' ? ` (for one entry write [${error.data}])` : '';
      return { path: at(), message: `must be ${expected(String(params.type), parent?.format)}${hint}` };
    }
    case 'enum':
      return { path: at(), message: `${JSON.stringify(error.data)} is not one of ${(params.allowedValues as unknown[]).join(', ')}` };
    case 'pattern':
      return { path: at(), message: PATTERN_MEANINGS[String(params.pattern)] ?? `must match ${String(params.pattern)}` };
    case 'minItems':
      return { path: at(), message: params.limit === 1 ? 'must list at least one entry' : `must list at least ${String(params.limit)} entries` };
    case 'uniqueItems':
      return { path: at(Number(params.j)), message: `repeats item ${String(params.i)}` };
    case 'minLength':
      return { path: at(), message: params.limit === 1 ? 'must not be empty' : `must be at least ${String(params.limit)} characters` };
    case 'maxLength':
      return { path: at(), message: `must be at most ${String(params.limit)} characters` };
    case 'minimum':
    case 'maximum':
      return { path: at(), message: `must be ${error.keyword === 'minimum' ? 'at least' : 'at most'} ${String(params.limit)}` };
    default:
      return { path: at(), message: error.message ?? 'is invalid' };
  }
}

function expected(type: string, format: unknown): string {
  if (isStringFormatName(format)) return STRING_FORMATS[format].noun;
  const nouns: Record<string, string> = { integer: 'a whole number', array: 'a list', object: 'a mapping of options' };
  return nouns[type] ?? `a ${type}`;
}

function unknownKeyMessage(key: string, known: readonly string[]): string {
  const guess = known.find((k) => k.toLowerCase() === key.toLowerCase()) ?? known.find((k) => editDistance(k, key) <= 2);
  return guess ? `is not a known option (did you mean ${guess}?)` : `is not a known option (known here: ${known.join(', ')})`;
}

/** Levenshtein distance, for "did you mean" on short option names. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}
