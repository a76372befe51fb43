// pino JSON logs on stdout. Decided at construction: level and redaction. Key material never
// reaches a log call; the redact list is a second line of defence for fields that could.
import { pino, type Logger } from 'pino';
import type { LogLevel } from '../config/types.js';

export type { Logger };

export function createLogger(level: LogLevel, destination: NodeJS.WritableStream = process.stdout): Logger {
  return pino(
    {
      level,
      base: { service: 'rechain' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: ['key', '*.key', 'password', '*.password', 'privateKey', '*.privateKey'], censor: '[redacted]' },
    },
    destination as pino.DestinationStream,
  );
}

/** A logger that discards everything (commands and tests that do not log). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
