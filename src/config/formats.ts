// String formats of the schema. Each returns the problem with a value, or undefined: ajv uses
// them to validate (with every other schema error, in one pass), and the error report asks
// them again for the specific problem. `noun` describes a good value, for type errors.
import { addressProblem } from './addresses.js';
import { durationProblem, MAX_TIMER_MS } from './durations.js';
import { preferRootProblem, sha256Problem } from './fingerprints.js';
import { hostNameProblem, hostPatternProblem, peerNameProblem, sanPatternProblem } from './names.js';

export interface StringFormat {
  readonly noun: string;
  readonly problem: (text: string) => string | undefined;
}

export const STRING_FORMATS = {
  'rechain-duration': {
    noun: 'a duration such as 0s, 30d or 1h30m',
    problem: (t) => durationProblem(t),
  },
  'rechain-timeout': {
    noun: 'a duration such as 0s, 30s or 1h30m',
    problem: (t) => durationProblem(t, { maxMs: MAX_TIMER_MS }),
  },
  'rechain-positive-timeout': {
    noun: 'a duration such as 500ms, 10s or 1m',
    problem: (t) => durationProblem(t, { maxMs: MAX_TIMER_MS, positive: true }),
  },
  'rechain-address': {
    noun: 'HOST:PORT such as 127.0.0.1:6379 or [::1]:443',
    problem: (t) => addressProblem(t, { allowPortZero: false }),
  },
  'rechain-listen-address': {
    noun: 'HOST:PORT such as 0.0.0.0:443 or [::]:443',
    problem: (t) => addressProblem(t, { allowPortZero: true }),
  },
  'rechain-sha256': { noun: 'a SHA-256 in hex', problem: sha256Problem },
  'rechain-prefer-root': { noun: 'a root common name or sha256:<SPKI hex>', problem: preferRootProblem },
  'rechain-host-pattern': { noun: 'a host name or *.wildcard', problem: hostPatternProblem },
  'rechain-host-name': { noun: 'a host name', problem: hostNameProblem },
  'rechain-peer-name': { noun: 'a host name or IP address', problem: peerNameProblem },
  'rechain-san-pattern': { noun: 'a DNS, URI, email or IP pattern', problem: sanPatternProblem },
} as const satisfies Record<string, StringFormat>;

export type StringFormatName = keyof typeof STRING_FORMATS;

export function isStringFormatName(name: unknown): name is StringFormatName {
  return typeof name === 'string' && Object.hasOwn(STRING_FORMATS, name);
}
