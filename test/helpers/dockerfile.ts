// A small reader for the repository's Dockerfile and .dockerignore, enough for the container-image
// tests to follow them: instructions per stage (continuations joined, comments dropped, global
// ARG defaults substituted into FROM), COPY arguments, exec-form JSON, and the build context
// that .dockerignore leaves.
import { cpSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface Instruction {
  readonly keyword: string; // upper case: FROM, RUN, COPY ...
  readonly args: string;
  readonly line: number;
}

export interface Stage {
  readonly name: string;
  readonly image: string;
  readonly instructions: Instruction[];
}

export function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = [];
  const globalArgs = new Map<string, string>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const start = i + 1;
    let line = lines[i]!;
    if (/^\s*(#|$)/.test(line)) continue;
    while (/\\\s*$/.test(line) && i + 1 < lines.length) {
      i++;
      const next = lines[i]!;
      if (/^\s*#/.test(next)) continue; // a comment inside a continuation is dropped
      line = line.replace(/\\\s*$/, ' ') + next.trim();
    }
    const m = /^\s*([A-Za-z]+)\s+([\s\S]*)$/.exec(line);
    if (!m) throw new Error(`Dockerfile:${start}: cannot read "${line}"`);
    const keyword = m[1]!.toUpperCase();
    const args = m[2]!.trim().replace(/\s+/g, ' ');
    if (keyword === 'FROM') {
      const from = /^(?:--platform=\S+ )?(\S+)(?: AS (\S+))?$/i.exec(args);
      if (!from) throw new Error(`Dockerfile:${start}: cannot read FROM ${args}`);
      const image = from[1]!.replace(/\$\{?(\w+)\}?/g, (_, name: string) => globalArgs.get(name) ?? '');
      stages.push({ name: from[2] ?? String(stages.length), image, instructions: [] });
    } else if (stages.length === 0) {
      if (keyword !== 'ARG') throw new Error(`Dockerfile:${start}: only ARG may precede FROM`);
      const [name, value = ''] = args.split('=', 2);
      globalArgs.set(name!, value);
    } else {
      stages.at(-1)!.instructions.push({ keyword, args, line: start });
    }
  }
  return stages;
}

export interface CopyArgs {
  readonly from?: string;
  readonly sources: string[];
  readonly dest: string;
}

export function parseCopy(args: string): CopyArgs {
  const words = args.split(' ');
  let from: string | undefined;
  while (words[0]?.startsWith('--')) {
    const flag = words.shift()!;
    if (flag.startsWith('--from=')) from = flag.slice('--from='.length);
    else throw new Error(`COPY ${flag} is not supported by the replay`);
  }
  const dest = words.pop();
  if (!dest || words.length === 0) throw new Error(`COPY ${args}: needs a source and a destination`);
  return { from, sources: words, dest };
}

/** The JSON array of an exec-form instruction (ENTRYPOINT, CMD, HEALTHCHECK ... CMD). */
export function execForm(args: string): string[] {
  const json = args.slice(args.indexOf('['));
  const value = JSON.parse(json) as unknown;
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw new Error(`not an exec form: ${args}`);
  return value;
}

/** .dockerignore as Docker reads it: the last matching pattern wins, `!` re-includes. */
export class DockerIgnore {
  private readonly rules: { negated: boolean; regex: RegExp; prefix: string }[];

  constructor(text: string) {
    this.rules = text
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => {
        const negated = l.startsWith('!');
        const pattern = path.posix.normalize((negated ? l.slice(1) : l).trim()).replace(/^\/+|\/+$/g, '');
        const source = pattern
          .split(/(\*\*|\*|\?)/)
          .map((part) => (part === '**' ? '.*' : part === '*' ? '[^/]*' : part === '?' ? '[^/]' : part.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
          .join('');
        return { negated, regex: new RegExp(`^${source}$`), prefix: pattern.split(/[*?[]/, 1)[0]! };
      });
  }

  /** Whether a path relative to the context (posix separators) is left out of it. */
  excludes(relative: string): boolean {
    const candidates = relative.split('/').map((_, i, parts) => parts.slice(0, i + 1).join('/'));
    let excluded = false;
    for (const rule of this.rules) {
      if (candidates.some((c) => rule.regex.test(c))) excluded = !rule.negated;
    }
    return excluded;
  }

  /** Whether some `!` pattern could re-include a path under this excluded directory. */
  mayReinclude(dir: string): boolean {
    return this.rules.some((r) => r.negated && (r.prefix === '' || r.prefix.startsWith(`${dir}/`) || `${dir}/`.startsWith(`${r.prefix}/`)));
  }
}

/** Copies what the build context holds (the directory minus .dockerignore) into `dest`; returns the files. */
export function copyContext(contextDir: string, ignore: DockerIgnore, dest: string): string[] {
  const files: string[] = [];
  const walk = (relative: string) => {
    for (const entry of readdirSync(path.join(contextDir, relative), { withFileTypes: true })) {
      const rel = relative ? `${relative}/${entry.name}` : entry.name;
      const excluded = ignore.excludes(rel);
      if (entry.isDirectory()) {
        if (!excluded || ignore.mayReinclude(rel)) walk(rel);
      } else if (!excluded) {
        mkdirSync(path.dirname(path.join(dest, rel)), { recursive: true });
        cpSync(path.join(contextDir, rel), path.join(dest, rel));
        files.push(rel);
      }
    }
  };
  walk('');
  return files;
}

export function readDockerfile(file: string): Stage[] {
  return parseDockerfile(readFileSync(file, 'utf8'));
}
