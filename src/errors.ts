// Errors with a stable code, the file or field they are about, and their cause.
// Only the CLI entry point turns them into an exit status.

export const ErrorCodes = {
  /** A command-line flag or argument is missing, unknown or malformed. Exit 2. */
  USAGE: 'E_USAGE',
  /** The configuration (file or flags) is invalid. Exit 2. */
  CONFIG: 'E_CONFIG',
  /** A file could not be read (missing, permissions, not a regular file). Exit 2. */
  FILE_UNREADABLE: 'E_FILE_UNREADABLE',
  /** A file holds no certificate where one is required. Exit 2. */
  NO_CERTIFICATE: 'E_NO_CERTIFICATE',
  /** A certificate, PKCS#7 or PKCS#12 file is malformed. Exit 2. */
  BAD_CERTIFICATE: 'E_BAD_CERTIFICATE',
  /** A private key is malformed, encrypted without a password, or the password is wrong. Exit 2. */
  BAD_KEY: 'E_BAD_KEY',
  /** A PKCS#12 or key password is wrong. Exit 2. */
  BAD_PASSWORD: 'E_BAD_PASSWORD',
  /** The private key does not belong to the leaf certificate. Exit 2. */
  KEY_MISMATCH: 'E_KEY_MISMATCH',
  /** A trust store that is required has no anchors. Exit 2. */
  EMPTY_TRUST_STORE: 'E_EMPTY_TRUST_STORE',
  /** A network operation failed (listen, connect). Exit 1. */
  NETWORK: 'E_NETWORK',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

export interface RechainErrorOptions {
  /** The file the error is about. */
  file?: string;
  /** The dotted config path or flag the error is about. */
  field?: string;
  cause?: unknown;
}

export class RechainError extends Error {
  readonly code: ErrorCode;
  readonly file: string | undefined;
  readonly field: string | undefined;

  constructor(code: ErrorCode, message: string, options: RechainErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RechainError';
    this.code = code;
    this.file = options.file;
    this.field = options.field;
  }

  /** One line for an operator: where, then what (a message that names its file is not prefixed again). */
  describe(): string {
    const file = this.file && !this.message.includes(this.file) ? this.file : undefined;
    const where = [file, this.field].filter(Boolean).join(': ');
    return where ? `${where}: ${this.message}` : this.message;
  }

  /** Exit status for the CLI: 1 for runtime failures, 2 for usage and configuration. */
  get exitCode(): 1 | 2 {
    return this.code === ErrorCodes.NETWORK ? 1 : 2;
  }
}

/** A configuration error that lists every problem found, each with its dotted path. */
export class ConfigError extends RechainError {
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[], file?: string) {
    super(
      ErrorCodes.CONFIG,
      problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message)).join('; '),
      file === undefined ? {} : { file },
    );
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export interface ConfigProblem {
  /** Dotted path such as `listeners[0].routes[2].backend`, or the flag name. */
  path: string;
  message: string;
}

export function isRechainError(e: unknown): e is RechainError {
  return e instanceof RechainError;
}
