// Configuration documents and problem lists for the config/ tests.
import { ConfigError, type ConfigProblem } from '../../src/errors.js';

/** The smallest valid document: one store, one certificate, one TCP listener. */
export function minimalDoc(): Record<string, any> {
  return {
    trust: { stores: [{ name: 'public', sources: ['system'] }] },
    certificates: [{ name: 'db', cert: '/etc/rechain/tls.crt', key: '/etc/rechain/tls.key' }],
    listeners: [{ name: 'main', listen: '0.0.0.0:6380', backend: '127.0.0.1:6379' }],
  };
}

/** The problems of the ConfigError `run` throws; throws itself if `run` does not throw one. */
export function problemsOf(run: () => unknown): ConfigProblem[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  throw new Error('expected a ConfigError');
}

/** The problems of the ConfigError `promise` rejects with. */
export async function rejectionProblems(promise: Promise<unknown>): Promise<ConfigProblem[]> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  throw new Error('expected a ConfigError');
}

/** Problems as "path: message" lines, for readable assertions. */
export function lines(problems: readonly ConfigProblem[]): string[] {
  return problems.map((p) => `${p.path}: ${p.message}`);
}
