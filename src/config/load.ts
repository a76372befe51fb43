// The only module of config/ that does I/O: it reads a YAML (or JSON) file, reports syntax
// errors as FILE:LINE:COLUMN, and adds the line to every problem parseConfig finds.
import { readFile, stat } from 'node:fs/promises';
import { LineCounter, parseDocument, type Document, type YAMLError } from 'yaml';
import { ConfigError, ErrorCodes, RechainError, type ConfigProblem } from '../errors.js';
import { configFromServeFlags, SERVE_FLAGS, type ServeFlagName, type ServeFlags } from './flags.js';
import { parseConfig } from './parse.js';
import { CONNECT_FLAGS, configFromConnectFlags, type ConnectFlags } from './connect-flags.js';
import { parsePath } from './paths.js';
import type { Config } from './types.js';

/** A configuration is a few kilobytes; a larger file is the wrong file (a bundle, a binary). */
const MAX_CONFIG_BYTES = 1024 * 1024;

export async function loadConfigFile(path: string): Promise<Config> {
  const text = await readConfigText(path);
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  if (doc.errors.length > 0) throw new ConfigError(doc.errors.map((e) => syntaxProblem(e, path)), path);
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 }); // bounds alias expansion ("billion laughs")
  } catch (error) {
    throw new ConfigError([{ path: '', message: `${path}: ${(error as Error).message}` }], path);
  }
  try {
    return parseConfig(raw, path);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new ConfigError(error.problems.map((p) => withLine(p, doc, lines)), path);
  }
}

/** `rechain serve`: the file named by --config (alone), or the model the other flags describe. */
export async function loadServeConfig(flags: ServeFlags): Promise<Config> {
  if (flags.config === undefined) return configFromServeFlags(flags);
  const others = (Object.keys(SERVE_FLAGS) as ServeFlagName[]).filter((name) => name !== 'config' && flags[name] !== undefined);
  if (others.length > 0) {
    throw new ConfigError(others.map((name) => ({ path: `--${name}`, message: 'cannot be combined with --config; set it in the file' })));
  }
  const config = await loadConfigFile(flags.config);
  // The model also describes explain's inputs and connect's connectors; serve needs a listener.
  if (config.listeners.length === 0) throw new ConfigError([{ path: 'listeners', message: 'at least one is required to serve' }], flags.config);
  return config;
}

/** `rechain connect`: the file named by --config (alone, with at least one connector), or the flags. */
export async function loadConnectConfig(flags: ConnectFlags): Promise<Config> {
  if (flags.config === undefined) return configFromConnectFlags(flags);
  const others = (Object.keys(CONNECT_FLAGS) as (keyof typeof CONNECT_FLAGS)[]).filter((name) => name !== 'config' && flags[name] !== undefined);
  if (others.length > 0) {
    throw new ConfigError(others.map((name) => ({ path: `--${name}`, message: 'cannot be combined with --config; set it in the file' })));
  }
  const config = await loadConfigFile(flags.config);
  if (config.connectors.length === 0) throw new ConfigError([{ path: 'connectors', message: 'at least one is required to connect' }], flags.config);
  return config;
}

async function readConfigText(path: string): Promise<string> {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new Error('not a regular file');
    if (info.size > MAX_CONFIG_BYTES) throw new Error(`${info.size} bytes is too large for a configuration file`);
    return await readFile(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new RechainError(ErrorCodes.FILE_UNREADABLE, `cannot read the configuration file: ${reason}`, { file: path, cause: error });
  }
}

function syntaxProblem(error: YAMLError, file: string): ConfigProblem {
  const where = error.linePos ? `${file}:${error.linePos[0].line}:${error.linePos[0].col}` : file;
  // yaml appends " at line L, column C:" and a code excerpt; the location leads instead.
  const what = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
  return { path: '', message: `${where}: ${what}` };
}

/** The problem with the line of the nearest node its path names, or unchanged. */
function withLine(problem: ConfigProblem, doc: Document, lines: LineCounter): ConfigProblem {
  const keys = parsePath(problem.path);
  for (let depth = keys.length; depth > 0; depth--) {
    const node = doc.getIn(keys.slice(0, depth), true) as { range?: [number, number, number] } | undefined;
    if (node?.range) return { ...problem, message: `${problem.message} (line ${lines.linePos(node.range[0]).line})` };
  }
  return problem;
}
