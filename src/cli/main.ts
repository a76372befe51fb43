#!/usr/bin/env node
// cli/ owns argv, help text, exit codes and rendering reports for people. Everything else is
// imported from the layers below; only demo/ imports cli/ (to print the explain table).
//
// The command line: argv -> a command. The only place that exits the process: errors carry a
// code and the file or field they are about, and become exit status 2 (usage, configuration,
// inputs) or 1 (runtime failures).
import { isRechainError, ConfigError } from '../errors.js';
import { COMMANDS, usage } from './commands.js';

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage(rest[0]));
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-V') {
    process.stdout.write(`${COMMANDS.version.describe}\n`);
    return 0;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name as keyof typeof COMMANDS] : undefined;
  if (!command) {
    process.stderr.write(`rechain: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(usage(name));
    return 0;
  }
  return command.run(rest);
}

function report(error: unknown): number {
  if (error instanceof ConfigError && error.problems.length > 1) {
    process.stderr.write(`rechain: ${error.file ? `${error.file}: ` : ''}invalid configuration:\n`);
    for (const p of error.problems) process.stderr.write(`  ${p.path ? `${p.path}: ` : ''}${p.message}\n`);
    return 2;
  }
  if (isRechainError(error)) {
    process.stderr.write(`rechain: ${error.describe()}\n`);
    return error.exitCode;
  }
  process.stderr.write(`rechain: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.exitCode = report(error);
  },
);
