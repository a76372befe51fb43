// loadCertificates on named files: every format, detection order, and every error path.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCertificates } from '../../src/pki/load-certificates.js';
import { ErrorCodes } from '../../src/errors.js';
import { fingerprints, makePki, openssl, rejection, write, writePki, writePkcs12 } from '../helpers/pki-files.js';

const pki = await makePki();
const rsaPki = await makePki('rsa-2048', 'RSA');
const leafAndChain = fingerprints([pki.leaf.certificate, pki.intermediate.certificate, pki.root.certificate]);

t.test('a PEM bundle: every CERTIFICATE block in order, other blocks and text ignored', async (t) => {
  const dir = t.testdir();
  const text = `subject=CN = leaf.test\n${pki.leaf.pem}${pki.leaf.keyPem}# comment\n${pki.intermediate.pem}${pki.root.pem}`;
  const path = write(dir, 'bundle.crt', text);
  const { certificates, warnings } = await loadCertificates(path);
  t.same(fingerprints(certificates), leafAndChain);
  t.same(warnings, []);
  t.ok(certificates.every((c) => c.source === path), 'every certificate is labelled with its file');
});

t.test('a repeated certificate is kept once', async (t) => {
  const path = write(t.testdir(), 'twice.pem', pki.root.pem + pki.intermediate.pem + pki.root.pem);
  const { certificates } = await loadCertificates(path);
  t.same(fingerprints(certificates), fingerprints([pki.root.certificate, pki.intermediate.certificate]));
});

t.test('DER, by extension and by first bytes (a .cer or a file with no extension)', async (t) => {
  const dir = t.testdir();
  const pem = write(dir, 'root.pem', pki.root.pem);
  for (const name of ['root.der', 'root.cer', 'root']) {
    const path = join(dir, name);
    openssl('x509', '-in', pem, '-outform', 'DER', '-out', path);
    const { certificates } = await loadCertificates(path);
    t.same(fingerprints(certificates), [pki.root.certificate.fingerprint], name);
    t.equal(certificates[0]?.source, path);
  }
});

t.test('the explicit format wins over the extension', async (t) => {
  const path = write(t.testdir(), 'really-der.pem', pki.root.certificate.der);
  await t.rejects(loadCertificates(path), { code: ErrorCodes.NO_CERTIFICATE, message: /really-der\.pem.*read as PEM because of its extension/ });
  const { certificates } = await loadCertificates(path, { format: 'der' });
  t.same(fingerprints(certificates), [pki.root.certificate.fingerprint]);
  await t.rejects(loadCertificates(path, { format: 'pkcs7' }), {
    code: ErrorCodes.BAD_CERTIFICATE,
    message: /really-der\.pem: the file is not a valid PKCS#7 SignedData \(read as PKCS#7, the format configured\)/,
  });
});

t.test('PKCS#7 from openssl crl2pkcs7, PEM (.p7b) and DER (.p7c, or detected)', async (t) => {
  const dir = t.testdir();
  const files = writePki(dir, pki);
  const bundle = write(dir, 'all.pem', pki.leaf.pem + pki.intermediate.pem + pki.root.pem);
  const p7b = join(dir, 'chain.p7b');
  const p7c = join(dir, 'chain.p7c');
  const p7bin = join(dir, 'chain.bin');
  openssl('crl2pkcs7', '-nocrl', '-certfile', bundle, '-out', p7b);
  openssl('crl2pkcs7', '-nocrl', '-certfile', bundle, '-outform', 'DER', '-out', p7c);
  openssl('crl2pkcs7', '-nocrl', '-certfile', files.chain, '-outform', 'DER', '-out', p7bin);
  t.match(readFileSync(p7b, 'latin1'), /BEGIN PKCS7/);
  t.same(fingerprints((await loadCertificates(p7b)).certificates), leafAndChain);
  t.same(fingerprints((await loadCertificates(p7c)).certificates), leafAndChain);
  t.same(fingerprints((await loadCertificates(p7bin)).certificates), leafAndChain.slice(1));
  // A PKCS7 block inside a PEM bundle counts too.
  const mixed = write(dir, 'mixed.pem', pki.leaf.pem + readFileSync(p7b, 'latin1'));
  t.same(fingerprints((await loadCertificates(mixed)).certificates), leafAndChain);
});

t.test('PKCS#12, modern (AES, PBKDF2) and -legacy (3DES, RC2), with a password file', async (t) => {
  const dir = t.testdir();
  const passwordFile = write(dir, 'password.txt', 'correct horse\n');
  for (const [p, legacy] of [[pki, false], [rsaPki, true]] as const) {
    const files = writePki(dir, p);
    const path = writePkcs12(dir, legacy ? 'legacy.pfx' : 'modern.p12', files, 'correct horse', legacy);
    const { certificates } = await loadCertificates(path, { passwordFile });
    t.same(fingerprints(certificates), fingerprints([p.leaf.certificate, p.intermediate.certificate, p.root.certificate]), path);
    t.ok(certificates.every((c) => c.source === path));
  }
});

t.test('PKCS#12 with a non-ASCII password, modern and legacy', async (t) => {
  const dir = t.testdir();
  const files = writePki(dir, pki);
  const passwordFile = write(dir, 'password.txt', 'pässwörd-€\n');
  for (const legacy of [false, true]) {
    const path = writePkcs12(dir, legacy ? 'legacy.p12' : 'modern.p12', files, 'pässwörd-€', legacy);
    t.same(fingerprints((await loadCertificates(path, { passwordFile })).certificates), leafAndChain, path);
  }
});

t.test('PKCS#12 detected from its first bytes, and with the empty password when no password file is given', async (t) => {
  const dir = t.testdir();
  const path = writePkcs12(dir, 'identity.bin', writePki(dir, pki), '');
  t.same(fingerprints((await loadCertificates(path)).certificates), leafAndChain);
});

t.test('PKCS#12 with the wrong password, or none: E_BAD_PASSWORD naming the file', async (t) => {
  const dir = t.testdir();
  const path = writePkcs12(dir, 'identity.pfx', writePki(dir, pki), 'right');
  const passwordFile = write(dir, 'password.txt', 'wrong\n');
  const wrong = await rejection(loadCertificates(path, { passwordFile }));
  t.match(wrong, { code: ErrorCodes.BAD_PASSWORD, file: path, message: /identity\.pfx.*wrong password/ });
  t.notMatch((wrong as Error).message, /wrong\n|right/, 'the password is not in the message');
  await t.rejects(loadCertificates(path), { code: ErrorCodes.BAD_PASSWORD, message: /identity\.pfx.*no password file was given/ });
});

t.test('a missing password file is E_FILE_UNREADABLE naming it', async (t) => {
  const dir = t.testdir();
  const path = writePkcs12(dir, 'identity.pfx', writePki(dir, pki), 'x');
  const passwordFile = join(dir, 'nope.txt');
  await t.rejects(loadCertificates(path, { passwordFile }), { code: ErrorCodes.FILE_UNREADABLE, message: /nope\.txt.*no such file/ });
});

t.test('malformed input is E_BAD_CERTIFICATE naming the file, the format and why it was chosen', async (t) => {
  const dir = t.testdir();
  const der = pki.root.certificate.der;
  const cases: [string, string | Buffer, RegExp][] = [
    ['truncated.der', der.subarray(0, der.length - 10), /truncated\.der: the file is not a valid certificate \(read as DER because of its extension\)/],
    ['truncated.crt', der.subarray(0, der.length - 10), /truncated\.crt: .*read as DER from its first bytes/],
    ['bad-base64.pem', '-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n', /bad-base64\.pem: PEM block 1 \(CERTIFICATE\) is not a valid certificate/],
    ['garbage.p7b', Buffer.from('3003020101', 'hex'), /garbage\.p7b: the file is not a valid PKCS#7 SignedData \(read as PKCS#7/],
    ['garbage.p12', Buffer.from('300602010330010a', 'hex'), /garbage\.p12: the file is not a valid PKCS#12 \(read as PKCS#12/],
  ];
  for (const [name, content, message] of cases) {
    const path = write(dir, name, content);
    await t.rejects(loadCertificates(path), { code: ErrorCodes.BAD_CERTIFICATE, file: path, message }, name);
  }
});

t.test('a truncated PKCS#12 is E_BAD_CERTIFICATE', async (t) => {
  const dir = t.testdir();
  const path = writePkcs12(dir, 'identity.pfx', writePki(dir, pki), 'x');
  const cut = write(dir, 'cut.pfx', readFileSync(path).subarray(0, 200));
  const passwordFile = write(dir, 'password.txt', 'x');
  await t.rejects(loadCertificates(cut, { passwordFile }), { code: ErrorCodes.BAD_CERTIFICATE, message: /cut\.pfx/ });
});

t.test('a named file with no certificate is E_NO_CERTIFICATE naming it', async (t) => {
  const dir = t.testdir();
  const cases: [string, string | Buffer, RegExp][] = [
    ['key-only.pem', pki.leaf.keyPem, /key-only\.pem: holds no certificate \(read as PEM/],
    ['garbage.crt', 'hello, world\n', /garbage\.crt: holds no certificate: it is not PEM, DER, PKCS#7 or PKCS#12/],
    ['empty.crt', '', /empty\.crt: holds no certificate/],
  ];
  for (const [name, content, message] of cases) {
    const path = write(dir, name, content);
    await t.rejects(loadCertificates(path), { code: ErrorCodes.NO_CERTIFICATE, file: path, message }, name);
  }
  const emptyP7 = join(dir, 'empty.p7b');
  openssl('crl2pkcs7', '-nocrl', '-out', emptyP7);
  await t.rejects(loadCertificates(emptyP7), { code: ErrorCodes.NO_CERTIFICATE, message: /empty\.p7b/ });
});

t.test('unreadable paths are E_FILE_UNREADABLE naming the path and the reason', async (t) => {
  const dir = t.testdir();
  const file = write(dir, 'root.pem', pki.root.pem);
  const fifo = join(dir, 'fifo.pem');
  execFileSync('mkfifo', [fifo]);
  await t.rejects(loadCertificates(join(dir, 'missing.pem')), { code: ErrorCodes.FILE_UNREADABLE, message: /missing\.pem: cannot be read: no such file or directory \(ENOENT\)/ });
  await t.rejects(loadCertificates(join(file, 'child.pem')), { code: ErrorCodes.FILE_UNREADABLE, message: /child\.pem: .*ENOTDIR/ });
  await t.rejects(loadCertificates(fifo), { code: ErrorCodes.FILE_UNREADABLE, message: /fifo\.pem: is not a regular file/ });
});

t.test('a file over the size cap is E_FILE_UNREADABLE saying so', async (t) => {
  const path = write(t.testdir(), 'big.pem', pki.root.pem);
  await t.rejects(loadCertificates(path, { maxBytes: 100 }), { code: ErrorCodes.FILE_UNREADABLE, message: /big\.pem: is \d+ bytes, more than the 100 bytes limit/ });
  t.equal((await loadCertificates(path, { maxBytes: 100_000 })).certificates.length, 1);
});

t.test('the error describes itself without repeating the file', async (t) => {
  const path = join(t.testdir(), 'missing.pem');
  const error = await rejection(loadCertificates(path));
  t.equal(error.describe(), `${path}: cannot be read: no such file or directory (ENOENT)`);
});
