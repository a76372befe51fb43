// Which format a certificate file is in: the caller's explicit choice, else an unambiguous
// extension, else the first bytes. `.crt` and `.cer` are PEM as often as DER, so they are
// judged by content.
import { extname } from 'node:path';
import { looksLikePem } from './pem.js';

export type CertificateFormat = 'pem' | 'der' | 'pkcs7' | 'pkcs12';

export interface FormatChoice {
  readonly format: CertificateFormat;
  /** Why this format, for error messages: a wrong guess is the first thing to suspect. */
  readonly by: 'option' | 'extension' | 'content';
}

const BY_EXTENSION: Record<string, CertificateFormat> = {
  '.pem': 'pem',
  '.der': 'der',
  '.p7b': 'pkcs7',
  '.p7c': 'pkcs7',
  '.pfx': 'pkcs12',
  '.p12': 'pkcs12',
};

/** The format to read `data` as, or undefined when it is none of them. */
export function chooseFormat(path: string, data: Buffer, explicit?: CertificateFormat): FormatChoice | undefined {
  if (explicit) return { format: explicit, by: 'option' };
  const byExtension = BY_EXTENSION[extname(path).toLowerCase()];
  if (byExtension) return { format: byExtension, by: 'extension' };
  const byContent = formatFromContent(data);
  return byContent && { format: byContent, by: 'content' };
}

const SEQUENCE = 0x30;
const INTEGER = 0x02;
const OID = 0x06;

/**
 * PEM by its BEGIN line; binary formats by their first field: a certificate starts with the
 * TBSCertificate SEQUENCE, a PKCS#12 PFX with its version INTEGER, a PKCS#7 ContentInfo with
 * its content-type OID.
 */
function formatFromContent(data: Buffer): CertificateFormat | undefined {
  if (looksLikePem(data)) return 'pem';
  if (data[0] !== SEQUENCE || data.length < 2) return undefined;
  const lengthByte = data[1]!;
  // Short form, indefinite form (0x80, BER), or 0x8n followed by n length bytes.
  const header = lengthByte < 0x80 ? 2 : 2 + (lengthByte & 0x7f);
  switch (data[header]) {
    case SEQUENCE:
      return 'der';
    case INTEGER:
      return 'pkcs12';
    case OID:
      return 'pkcs7';
    default:
      return undefined;
  }
}
