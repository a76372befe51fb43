// node:util parseArgs with rechain's error handling: unknown or malformed flags are usage
// errors (exit 2) naming the flag.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ErrorCodes, RechainError } from '../errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

export function parseFlags<O extends Options>(args: readonly string[], options: O, positionals = 0) {
  try {
    const parsed = parseArgs({ args: [...args], options, strict: true, allowPositionals: positionals > 0 });
    if (parsed.positionals.length > positionals) {
      throw new RechainError(ErrorCodes.USAGE, `unexpected argument "${parsed.positionals[positionals]}"`);
    }
    return parsed;
  } catch (e) {
    if (e instanceof RechainError) throw e;
    throw new RechainError(ErrorCodes.USAGE, (e as Error).message.replace(/\. To specify a positional.*$/s, ''), { cause: e });
  }
}
