// `rechain demo [--duration SECONDS]`: the embedded default that `npm start` runs.
import { ErrorCodes, RechainError } from '../errors.js';
import { runDemo } from '../demo/demo.js';
import { parseFlags } from './args.js';

export async function runDemoCommand(args: readonly string[]): Promise<number> {
  const { values } = parseFlags(args, { duration: { type: 'string' } });
  let durationSeconds: number | undefined;
  if (values.duration !== undefined) {
    durationSeconds = Number(values.duration);
    if (!Number.isFinite(durationSeconds) || durationSeconds <= 0) {
      throw new RechainError(ErrorCodes.USAGE, `--duration: "${values.duration}" is not a number of seconds`, { field: '--duration' });
    }
  }
  return runDemo({ durationSeconds, out: process.stdout });
}
