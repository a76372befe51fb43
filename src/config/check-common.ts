// Pieces shared by the cross-field checks: how problems are reported, the names that references
// may point at, and rules that listeners and connectors both follow.
import type { RawTls } from './schema.js';
import { DEFAULTS } from './defaults.js';
import { TLS_VERSIONS } from './types.js';

export type Report = (path: string, message: string) => void;

/**
 * Names that listeners, routes and connectors may refer to, as written (duplicates and all);
 * undefined when the list itself is malformed, so references to it are not judged.
 */
export interface References {
  readonly certificates: readonly string[] | undefined;
  readonly stores: readonly string[] | undefined;
}

export function checkReference(kind: 'certificate' | 'trust store', name: string, known: readonly string[] | undefined, path: string, report: Report): void {
  if (known === undefined || known.includes(name)) return;
  const choices = known.length === 0 ? 'none are configured' : `there are: ${[...new Set(known)].join(', ')}`;
  report(path, `no ${kind} is named "${name}" (${choices})`);
}

export function checkTls(tls: RawTls | undefined, path: string, report: Report): void {
  const min = tls?.minVersion ?? DEFAULTS.minVersion;
  const max = tls?.maxVersion ?? DEFAULTS.maxVersion;
  if (TLS_VERSIONS.indexOf(min) > TLS_VERSIONS.indexOf(max)) {
    report(`${path}.${tls?.minVersion ? 'minVersion' : 'maxVersion'}`, `conflicts: minVersion ${min} is newer than maxVersion ${max}`);
  }
}
