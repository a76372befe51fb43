// The commands and their help text. Flag help comes from the same table parseArgs reads. Each
// command's module is imported when it runs: `explain` never loads the proxy, `--help` nothing.
import { CONNECT_FLAGS, EXPLAIN_INPUT_FLAGS, SERVE_FLAGS, type FlagSpec } from '../config/flag-tables.js';
import { CHECK_FLAG_HELP } from './check-help.js';
import { VERSION } from './version.js';

export interface Command {
  readonly describe: string;
  readonly synopsis: string;
  readonly flags: readonly [string, string][];
  run(args: readonly string[]): Promise<number>;
}

function flagLines(names: readonly string[], table: Record<string, FlagSpec> = SERVE_FLAGS): [string, string][] {
  return names.map((name) => {
    const spec = table[name]!;
    return [`--${name}${spec.value ? ` ${spec.value}` : ''}`, spec.help];
  });
}

export const COMMANDS = {
  serve: {
    describe: 'Terminate TLS with the computed chain and forward to a plaintext backend',
    synopsis: 'rechain serve --config FILE\n  rechain serve --listen HOST:PORT --backend HOST:PORT --cert FILE --key FILE [flags]',
    flags: flagLines(Object.keys(SERVE_FLAGS)),
    run: async (args) => (await import('./serve.js')).runServe(args),
  },
  connect: {
    describe: 'Accept plaintext locally and connect out over TLS with a computed client chain, verifying the peer',
    synopsis: 'rechain connect --config FILE\n  rechain connect --listen HOST:PORT --target HOST:PORT [--servername NAME] [--cert FILE --key FILE] [flags]',
    flags: flagLines(Object.keys(CONNECT_FLAGS), CONNECT_FLAGS),
    run: async (args) => (await import('./serve.js')).runConnect(args),
  },
  explain: {
    describe: 'Show every candidate chain, its verdict per trust store, and the chosen one',
    synopsis: 'rechain explain --cert FILE [--pool PATH]... [--trust PATH|system|bundled]... [--at ISO-TIME] [--json]\n  rechain explain --config FILE [--at ISO-TIME] [--json]',
    flags: [
      ...flagLines(['config', ...EXPLAIN_INPUT_FLAGS]),
      ['--at ISO-TIME', 'Judge at this time instead of now'],
      ['--json', 'Print the report as JSON'],
    ],
    run: async (args) => (await import('./explain.js')).runExplain(args),
  },
  check: {
    describe: 'Connect to a peer and judge the chain it serves, per trust store',
    synopsis:
      'rechain check HOST:PORT [--servername NAME] [--trust PATH|system|bundled]... [--pool PATH]... [--horizon DUR] [--at ISO-TIME] [--json]\n  rechain check HOST:PORT --config FILE [--servername NAME] [--pool PATH]... [--json]',
    flags: CHECK_FLAG_HELP,
    run: async (args) => (await import('./check.js')).runCheck(args),
  },
  demo: {
    describe: 'Replay the September 2021 chain incident on this machine and show rechain fixing it',
    synopsis: 'rechain demo [--duration SECONDS]',
    flags: [['--duration SECONDS', 'Stop after this long (default: run until Ctrl-C)']],
    run: async (args) => (await import('./demo.js')).runDemoCommand(args),
  },
  version: {
    describe: `rechain ${VERSION}`,
    synopsis: 'rechain --version',
    flags: [],
    run: async () => {
      process.stdout.write(`rechain ${VERSION}\n`);
      return 0;
    },
  },
} satisfies Record<string, Command>;

export function usage(command?: string): string {
  const c = command && Object.hasOwn(COMMANDS, command) ? (COMMANDS as Record<string, Command>)[command] : undefined;
  if (c) {
    const width = Math.max(0, ...c.flags.map(([f]) => f.length));
    const flags = c.flags.map(([f, h]) => `  ${f.padEnd(width)}  ${h}`).join('\n');
    return `${c.describe}\n\nUsage:\n  ${c.synopsis}\n${flags ? `\nFlags:\n${flags}\n` : ''}\nExit status: 0 ok, 1 failure (an invalid chain), 2 usage or configuration error.\n`;
  }
  const list = Object.entries(COMMANDS as Record<string, Command>)
    .filter(([name]) => name !== 'version')
    .map(([name, cmd]) => `  ${name.padEnd(8)}  ${cmd.describe}`)
    .join('\n');
  return `rechain ${VERSION}: a TLS-terminating proxy that computes the certificate chain it serves.\n\nUsage: rechain <command> [flags]\n\nCommands:\n${list}\n\nRun "rechain <command> --help" for a command's flags.\nDocs: README.md and docs/ (configuration, metrics, deployment, runbook).\n`;
}
