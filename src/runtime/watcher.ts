// Watches the inputs' files and directories and calls back once changes settle. Watches the
// directory around each file, not the file: editors and update-ca-certificates replace files
// by rename, and Kubernetes swaps a `..data` symlink, and neither keeps the original inode.
// Watches are re-armed after every reload, since a replaced directory drops its watch.
import { watch, realpathSync, statSync, type FSWatcher } from 'node:fs';
import path from 'node:path';

export interface WatcherOptions {
  readonly debounceMs: number;
  onChange(changed: readonly string[]): void;
  onError(error: Error): void;
}

interface Target {
  /** Basenames that matter in this directory; undefined = any entry. */
  names: Set<string> | undefined;
}

function addTarget(targets: Map<string, Target>, dir: string, name: string | undefined): void {
  const target = targets.get(dir) ?? { names: new Set<string>() };
  if (name === undefined) target.names = undefined;
  else target.names?.add(name);
  targets.set(dir, target);
}

/** The directories to watch for a set of input paths, and which entries in them matter. */
export function watchTargets(paths: readonly string[]): Map<string, Target> {
  const targets = new Map<string, Target>();
  for (const p of paths) {
    const absolute = path.resolve(p);
    let isDirectory = false;
    try {
      isDirectory = statSync(absolute).isDirectory();
    } catch {
      // Missing now; watch its directory so that its arrival triggers a reload.
    }
    if (isDirectory) addTarget(targets, absolute, undefined);
    addTarget(targets, path.dirname(absolute), path.basename(absolute));
    // Follow symlinks (Kubernetes: tls.crt -> ..data/tls.crt -> ..2024_01_01/tls.crt).
    try {
      const real = realpathSync(absolute);
      if (real !== absolute) addTarget(targets, isDirectory ? real : path.dirname(real), isDirectory ? undefined : path.basename(real));
    } catch {
      // Dangling or missing: the parent directory's watch covers it.
    }
  }
  return targets;
}

export class PathWatcher {
  readonly #options: WatcherOptions;
  #watchers: FSWatcher[] = [];
  #timer: NodeJS.Timeout | undefined;
  #pending = new Set<string>();

  constructor(options: WatcherOptions) {
    this.#options = options;
  }

  /** Replace the watched set. */
  watch(paths: readonly string[]): void {
    this.#closeWatchers();
    for (const [dir, target] of watchTargets(paths)) {
      try {
        const w = watch(dir, { persistent: false }, (_event, filename) => {
          const name = filename?.toString();
          // `..data` and friends: Kubernetes' atomic writer swapping a projected volume.
          if (target.names && name && !target.names.has(name) && !name.startsWith('..')) return;
          this.#changed(path.join(dir, name ?? ''));
        });
        w.on('error', (e) => this.#options.onError(e));
        this.#watchers.push(w);
      } catch (e) {
        this.#options.onError(e instanceof Error ? e : new Error(String(e)));
      }
    }
  }

  #changed(file: string): void {
    this.#pending.add(file);
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      const changed = [...this.#pending];
      this.#pending.clear();
      this.#options.onChange(changed);
    }, this.#options.debounceMs);
  }

  #closeWatchers(): void {
    for (const w of this.#watchers) w.close();
    this.#watchers = [];
  }

  close(): void {
    this.#closeWatchers();
    if (this.#timer) clearTimeout(this.#timer);
  }
}
