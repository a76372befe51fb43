// The password of a PKCS#12 file or an encrypted key, read from a file (never a flag: argv is
// visible to every user of the machine). Only the value is returned; it is never logged.
import { readInputFile } from './load-file.js';

/** A password is short; a bigger file is almost certainly the wrong path. */
const MAX_PASSWORD_FILE_BYTES = 64 * 1024;

/** The file's text without its one trailing newline (`echo secret > file` adds one). */
export async function loadPassword(file: string): Promise<string> {
  const text = (await readInputFile(file, MAX_PASSWORD_FILE_BYTES)).toString('utf8');
  return text.replace(/\r?\n$/, '');
}
