// Reading one input file (certificate, key, password) with a size cap, so that a wrong path
// (a log, a disk image, /dev/zero) fails fast with a clear error instead of filling memory.
import { open, stat } from 'node:fs/promises';
import { ErrorCodes, RechainError, type ErrorCode } from '../errors.js';

/** Far above any real certificate bundle (Mozilla's is about 220 KiB). */
export const DEFAULT_MAX_FILE_BYTES = 16 * 1024 * 1024;

export async function readInputFile(path: string, maxBytes = DEFAULT_MAX_FILE_BYTES): Promise<Buffer> {
  // stat before open: opening a FIFO would block until something writes to it.
  const info = await stat(path).catch((e: unknown) => {
    throw unreadable(path, e);
  });
  if (!info.isFile()) {
    throw fileError(ErrorCodes.FILE_UNREADABLE, path, 'is not a regular file');
  }
  if (info.size > maxBytes) throw tooLarge(path, info.size, maxBytes);
  const handle = await open(path, 'r').catch((e: unknown) => {
    throw unreadable(path, e);
  });
  try {
    return await handle.readFile();
  } catch (e) {
    throw unreadable(path, e);
  } finally {
    await handle.close();
  }
}

function tooLarge(path: string, size: number, maxBytes: number): RechainError {
  const text = `is ${formatBytes(size)}, more than the ${formatBytes(maxBytes)} limit for one input file`;
  return fileError(ErrorCodes.FILE_UNREADABLE, path, text);
}

/** An error about one file whose message starts with the path, so it stands on its own. */
export function fileError(code: ErrorCode, file: string, text: string, cause?: unknown): RechainError {
  return new RechainError(code, `${file}: ${text}`, cause === undefined ? { file } : { file, cause });
}

/** E_FILE_UNREADABLE with the system's reason (`ENOENT`...) in words an operator knows. */
export function unreadable(path: string, cause: unknown): RechainError {
  return fileError(ErrorCodes.FILE_UNREADABLE, path, `cannot be read: ${systemReason(cause)}`, cause);
}

const REASONS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'is a directory',
  ENOTDIR: 'a parent is not a directory',
  ELOOP: 'too many levels of symbolic links',
};

function systemReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (code && REASONS[code]) return `${REASONS[code]} (${code})`;
  return e instanceof Error ? e.message : String(e);
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / (1024 * 1024)).toFixed(1)} MiB` : `${n} bytes`;
}
