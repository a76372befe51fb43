// One certificate file, whatever its format: PEM bundle, DER, PKCS#7 or PKCS#12. Every
// failure is a RechainError naming the file and, for a malformed one, the format it was read
// as and why, since a wrong guess is the first thing to suspect.
import type { KeyObject } from 'node:crypto';
import { ErrorCodes } from '../errors.js';
import { Certificate } from './certificate.js';
import { chooseFormat, type CertificateFormat, type FormatChoice } from './load-format.js';
import { fileError, readInputFile } from './load-file.js';
import { decodePem, looksLikePem } from './pem.js';
import { decodePkcs12, Pkcs12Error } from './pkcs12.js';
import { pkcs7Certificates } from './x509.js';

export interface CertificateFileOptions {
  /** Skip detection and read every file as this format. */
  readonly format?: CertificateFormat | undefined;
  /** The PKCS#12 password; undefined when none was configured, and then the empty one is tried. */
  readonly password?: string | undefined;
  readonly maxBytes?: number | undefined;
}

export interface CertificateFile {
  /** In file order, each with `source` = the path; empty when the file holds none. */
  readonly certificates: Certificate[];
  /** Private keys stored with the certificates (PKCS#12 only). */
  readonly keys: KeyObject[];
  /** How the file was read; undefined when it is none of the formats. */
  readonly choice: FormatChoice | undefined;
}

/** Throws on unreadable or malformed files; a file that holds no certificate is not an error here. */
export async function readCertificateFile(path: string, options: CertificateFileOptions = {}): Promise<CertificateFile> {
  const data = await readInputFile(path, options.maxBytes);
  const choice = chooseFormat(path, data, options.format);
  if (!choice) return { certificates: [], keys: [], choice };
  return { ...decode(new Reader(path, choice), data, options.password), choice };
}

/** Why a file yielded no certificate, for a warning or an error. */
export function noCertificateReason(file: CertificateFile): string {
  return file.choice
    ? `holds no certificate (${describeChoice(file.choice)})`
    : 'holds no certificate: it is not PEM, DER, PKCS#7 or PKCS#12';
}

/** The file where certificates are required: E_NO_CERTIFICATE when it holds none. */
export function requireCertificates(path: string, file: CertificateFile): CertificateFile {
  if (file.certificates.length === 0) throw fileError(ErrorCodes.NO_CERTIFICATE, path, noCertificateReason(file));
  return file;
}

type Decoded = Omit<CertificateFile, 'choice'>;

function decode(reader: Reader, data: Buffer, password: string | undefined): Decoded {
  switch (reader.choice.format) {
    case 'pem':
      return { certificates: reader.fromPem(data), keys: [] };
    case 'der':
      return { certificates: [reader.certificate(data, 'the file')], keys: [] };
    case 'pkcs7':
      // A .p7b is PEM (label PKCS7) as often as DER.
      return { certificates: looksLikePem(data) ? reader.fromPem(data) : reader.fromPkcs7(data, 'the file'), keys: [] };
    case 'pkcs12':
      return reader.fromPkcs12(data, password);
  }
}

const PKCS7_LABELS = new Set(['PKCS7', 'CMS']);

/** Decoders for one file; they share its path and format choice for error messages. */
class Reader {
  constructor(
    readonly file: string,
    readonly choice: FormatChoice,
  ) {}

  /** CERTIFICATE and PKCS7 blocks; keys, CRLs and other blocks are not certificates. */
  fromPem(data: Buffer): Certificate[] {
    const certificates: Certificate[] = [];
    decodePem(data.toString('latin1')).forEach((block, i) => {
      const what = `PEM block ${i + 1} (${block.label})`;
      if (block.label === 'CERTIFICATE') certificates.push(this.certificate(block.der, what));
      else if (PKCS7_LABELS.has(block.label)) certificates.push(...this.fromPkcs7(block.der, what));
    });
    return certificates;
  }

  fromPkcs7(der: Buffer, what: string): Certificate[] {
    let ders: Buffer[];
    try {
      ders = pkcs7Certificates(der);
    } catch (e) {
      throw this.malformed(`${what} is not a valid PKCS#7 SignedData`, e);
    }
    return ders.map((d, i) => this.certificate(d, `certificate ${i + 1} of ${what}`));
  }

  fromPkcs12(der: Buffer, password: string | undefined): Decoded {
    try {
      const contents = decodePkcs12(der, password ?? '');
      return {
        certificates: contents.certificates.map((d, i) => this.certificate(d, `certificate ${i + 1} of the PKCS#12`)),
        keys: contents.keys,
      };
    } catch (e) {
      if (!(e instanceof Pkcs12Error)) throw e;
      if (!e.wrongPassword) throw this.malformed('the file is not a valid PKCS#12', e);
      const text =
        password === undefined
          ? 'is a password-protected PKCS#12 and no password file was given (the empty password does not open it)'
          : 'cannot be opened with the password given (wrong password, or a corrupt PKCS#12)';
      throw fileError(ErrorCodes.BAD_PASSWORD, this.file, text, e);
    }
  }

  certificate(der: Buffer, what: string): Certificate {
    try {
      return Certificate.fromDer(der, this.file);
    } catch (e) {
      throw this.malformed(`${what} is not a valid certificate`, e);
    }
  }

  malformed(what: string, cause: unknown): Error {
    const reason = cause instanceof Error ? cause.message : String(cause);
    return fileError(ErrorCodes.BAD_CERTIFICATE, this.file, `${what} (${describeChoice(this.choice)}): ${reason}`, cause);
  }
}

const FORMAT_NAMES: Record<CertificateFormat, string> = { pem: 'PEM', der: 'DER', pkcs7: 'PKCS#7', pkcs12: 'PKCS#12' };

function describeChoice({ format, by }: FormatChoice): string {
  const name = FORMAT_NAMES[format];
  switch (by) {
    case 'option':
      return `read as ${name}, the format configured`;
    case 'extension':
      return `read as ${name} because of its extension`;
    case 'content':
      return `read as ${name} from its first bytes`;
  }
}
