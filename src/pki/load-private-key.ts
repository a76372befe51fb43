// A PEM private key: PKCS#8, SEC1 (`EC PRIVATE KEY`), PKCS#1 (`RSA PRIVATE KEY`), encrypted
// PKCS#8 or legacy encrypted PEM (Proc-Type/DEK-Info). node:crypto decodes all of them; this
// file decides which error an operator sees. Messages name the file, never the key or password.
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { ErrorCodes } from '../errors.js';
import { fileError, readInputFile } from './load-file.js';
import { decodePem } from './pem.js';

/** Keys are a few KiB; anything much bigger is the wrong file. */
const MAX_KEY_FILE_BYTES = 1024 * 1024;

/** `password` undefined: no password file was configured. */
export async function loadPrivateKey(path: string, password: string | undefined): Promise<KeyObject> {
  const data = await readInputFile(path, MAX_KEY_FILE_BYTES);
  const block = decodePem(data.toString('latin1')).find((b) => b.label.endsWith('PRIVATE KEY'));
  if (!block) throw fileError(ErrorCodes.BAD_KEY, path, 'holds no PEM private key');
  // Decided from the PEM structure, not from OpenSSL's error: a wrong password sometimes
  // decrypts to bytes that fail later as "unsupported" rather than "bad decrypt".
  const encrypted = block.label === 'ENCRYPTED PRIVATE KEY' || block.headers;
  if (encrypted && password === undefined) {
    throw fileError(ErrorCodes.BAD_KEY, path, 'holds an encrypted private key and no password file was given');
  }
  try {
    return createPrivateKey({ key: data, format: 'pem', passphrase: password });
  } catch (e) {
    if (encrypted) throw fileError(ErrorCodes.BAD_PASSWORD, path, 'private key cannot be decrypted with the password given', e);
    throw fileError(ErrorCodes.BAD_KEY, path, `holds a ${block.label} that cannot be decoded`, e);
  }
}
