// loadIdentity: PEM bundle + key in every key encoding openssl writes, PKCS#12, and the errors.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCertificateChain, loadIdentity } from '../../src/pki/load-identity.js';
import { ErrorCodes } from '../../src/errors.js';
import { fingerprints, makePki, openssl, rejection, write, writePki, writePkcs12 } from '../helpers/pki-files.js';

const ec = await makePki();
const rsa = await makePki('rsa-2048', 'RSA');
const PASSWORD = 'tr0ub4dor&3';

t.test('a PEM bundle and a PKCS#8 key: leaf first, then the bundle in order', async (t) => {
  const dir = t.testdir();
  const files = writePki(dir, ec);
  const bundle = write(dir, 'full.pem', ec.leaf.pem + ec.intermediate.pem + ec.root.pem);
  const identity = await loadIdentity({ cert: bundle, key: files.key });
  t.equal(identity.leaf.fingerprint, ec.leaf.certificate.fingerprint);
  t.same(fingerprints(identity.bundle), fingerprints([ec.intermediate.certificate, ec.root.certificate]));
  t.equal(identity.key.asymmetricKeyType, 'ec');
  t.same(identity.files, [bundle, files.key]);
  t.equal(identity.leaf.source, bundle);
});

t.test('every private key encoding: SEC1, PKCS#1, encrypted PKCS#8, legacy encrypted PEM', async (t) => {
  const dir = t.testdir({ rsa: {} });
  const ecFiles = writePki(dir, ec);
  const rsaFiles = writePki(join(dir, 'rsa'), rsa);
  const passwordFile = write(dir, 'password', `${PASSWORD}\n`);
  const out = (name: string): string => join(dir, name);
  openssl('ec', '-in', ecFiles.key, '-out', out('sec1.key'));
  openssl('rsa', '-in', rsaFiles.key, '-traditional', '-out', out('pkcs1.key'));
  openssl('pkcs8', '-topk8', '-in', ecFiles.key, '-passout', `pass:${PASSWORD}`, '-out', out('enc-pkcs8.key'));
  openssl('ec', '-in', ecFiles.key, '-aes256', '-passout', `pass:${PASSWORD}`, '-out', out('legacy-ec.key'));
  openssl('rsa', '-in', rsaFiles.key, '-traditional', '-des3', '-passout', `pass:${PASSWORD}`, '-out', out('legacy-rsa.key'));
  const cases = [
    ['sec1.key', /BEGIN EC PRIVATE KEY/, ecFiles.bundle, undefined],
    ['pkcs1.key', /BEGIN RSA PRIVATE KEY/, rsaFiles.bundle, undefined],
    ['enc-pkcs8.key', /BEGIN ENCRYPTED PRIVATE KEY/, ecFiles.bundle, passwordFile],
    ['legacy-ec.key', /Proc-Type: 4,ENCRYPTED/, ecFiles.bundle, passwordFile],
    ['legacy-rsa.key', /DEK-Info: DES-EDE3-CBC/, rsaFiles.bundle, passwordFile],
  ] as const;
  for (const [name, shape, cert, password] of cases) {
    t.match(readFileSync(out(name), 'latin1'), shape, `${name} is what it claims`);
    const identity = await loadIdentity({ cert, key: out(name), passwordFile: password });
    t.equal(identity.leaf.node.checkPrivateKey(identity.key), true, name);
    t.same(identity.files, password ? [cert, out(name), password] : [cert, out(name)]);
  }
});

t.test('PKCS#12 without a key file: the leaf is the certificate the key belongs to', async (t) => {
  const dir = t.testdir();
  const passwordFile = write(dir, 'password', PASSWORD);
  for (const [pki, legacy] of [[ec, false], [rsa, true]] as const) {
    const path = writePkcs12(dir, legacy ? 'legacy.pfx' : 'modern.p12', writePki(dir, pki), PASSWORD, legacy);
    const identity = await loadIdentity({ cert: path, passwordFile });
    t.equal(identity.leaf.fingerprint, pki.leaf.certificate.fingerprint, path);
    t.same(fingerprints(identity.bundle), fingerprints([pki.intermediate.certificate, pki.root.certificate]));
    t.equal(identity.key.asymmetricKeyType, legacy ? 'rsa' : 'ec');
    t.same(identity.files, [path, passwordFile]);
  }
});

t.test('PKCS#12 certificates in any order with a separate key file: the leaf is found by its key', async (t) => {
  const dir = t.testdir();
  const files = writePki(dir, ec);
  const unordered = write(dir, 'unordered.pem', ec.intermediate.pem + ec.leaf.pem);
  const path = join(dir, 'certs-only.p12');
  openssl('pkcs12', '-export', '-nokeys', '-in', unordered, '-out', path, '-passout', 'pass:');
  const identity = await loadIdentity({ cert: path, key: files.key });
  t.equal(identity.leaf.fingerprint, ec.leaf.certificate.fingerprint);
  t.same(fingerprints(identity.bundle), [ec.intermediate.certificate.fingerprint]);
  await t.rejects(loadIdentity({ cert: path }), { code: ErrorCodes.BAD_KEY, message: /certs-only\.p12: holds no private key/ });
  const stranger = write(dir, 'stranger.key', rsa.leaf.keyPem);
  await t.rejects(loadIdentity({ cert: path, key: stranger }), {
    code: ErrorCodes.KEY_MISMATCH,
    message: /stranger\.key does not belong to any certificate in .*certs-only\.p12/,
  });
});

t.test('a PKCS#12 whose key belongs to none of its certificates: E_KEY_MISMATCH', async (t) => {
  const dir = t.testdir();
  const files = writePki(dir, ec);
  const path = join(dir, 'mixed-up.p12');
  // -nocerts drops the key's own certificate; -certfile still adds a stranger's.
  const stranger = write(dir, 'stranger.pem', rsa.leaf.pem);
  openssl('pkcs12', '-export', '-inkey', files.key, '-certfile', stranger, '-nocerts', '-out', path, '-passout', 'pass:');
  await t.rejects(loadIdentity({ cert: path }), {
    code: ErrorCodes.KEY_MISMATCH,
    file: path,
    message: /mixed-up\.p12: holds no certificate that its private key belongs to/,
  });
});

t.test('a key that does not match the leaf: E_KEY_MISMATCH naming both files', async (t) => {
  const dir = t.testdir();
  const files = writePki(dir, ec);
  const otherEc = write(dir, 'other-ec.key', (await makePki()).leaf.keyPem);
  const otherRsa = write(dir, 'other-rsa.key', rsa.leaf.keyPem);
  for (const key of [otherEc, otherRsa]) {
    const error = await rejection(loadIdentity({ cert: files.bundle, key }));
    t.match(error, { code: ErrorCodes.KEY_MISMATCH, file: files.bundle });
    t.ok(error.message.includes(key) && error.message.includes(files.bundle), error.message);
    t.match(error.message, /the leaf leaf\.test \([0-9a-f]{8}\) \(the first certificate\)/);
    t.notMatch(error.message, /PRIVATE KEY|BEGIN/, 'no key material');
  }
  // The leaf must come first: a bundle ordered root-first does not match its key.
  const reversed = write(dir, 'reversed.pem', ec.intermediate.pem + ec.leaf.pem);
  await t.rejects(loadIdentity({ cert: reversed, key: files.key }), { code: ErrorCodes.KEY_MISMATCH });
});

t.test('encrypted keys: no password file is E_BAD_KEY, a wrong password E_BAD_PASSWORD, naming the key file', async (t) => {
  const dir = t.testdir();
  const files = writePki(dir, ec);
  const wrong = write(dir, 'wrong-password', 'not it\n');
  const pkcs8 = join(dir, 'enc-pkcs8.key');
  const legacy = join(dir, 'legacy.key');
  openssl('pkcs8', '-topk8', '-in', files.key, '-passout', `pass:${PASSWORD}`, '-out', pkcs8);
  openssl('ec', '-in', files.key, '-aes128', '-passout', `pass:${PASSWORD}`, '-out', legacy);
  for (const key of [pkcs8, legacy]) {
    const missing = await rejection(loadIdentity({ cert: files.bundle, key }));
    t.match(missing, { code: ErrorCodes.BAD_KEY, file: key });
    t.equal(missing.message, `${key}: holds an encrypted private key and no password file was given`);
    const error = await rejection(loadIdentity({ cert: files.bundle, key, passwordFile: wrong }));
    t.match(error, { code: ErrorCodes.BAD_PASSWORD, file: key, message: /cannot be decrypted with the password given/ });
    t.ok(error.message.startsWith(key));
    t.notMatch(error.message, /not it/, 'no password in the message');
  }
});

t.test('PKCS#12 with the wrong password: E_BAD_PASSWORD naming the file', async (t) => {
  const dir = t.testdir();
  const path = writePkcs12(dir, 'id.pfx', writePki(dir, ec), PASSWORD);
  const wrong = write(dir, 'wrong-password', 'nope');
  await t.rejects(loadIdentity({ cert: path, passwordFile: wrong }), { code: ErrorCodes.BAD_PASSWORD, file: path, message: /id\.pfx/ });
});

t.test('bad key files: E_BAD_KEY or E_FILE_UNREADABLE naming the file', async (t) => {
  const dir = t.testdir();
  const files = writePki(dir, ec);
  const noKey = write(dir, 'no-key.pem', ec.root.pem);
  const corrupt = write(dir, 'corrupt.key', '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n');
  await t.rejects(loadIdentity({ cert: files.bundle, key: noKey }), { code: ErrorCodes.BAD_KEY, message: /no-key\.pem: holds no PEM private key/ });
  await t.rejects(loadIdentity({ cert: files.bundle, key: corrupt }), { code: ErrorCodes.BAD_KEY, message: /corrupt\.key: holds a PRIVATE KEY that cannot be decoded/ });
  await t.rejects(loadIdentity({ cert: files.bundle, key: join(dir, 'missing.key') }), { code: ErrorCodes.FILE_UNREADABLE, message: /missing\.key: cannot be read/ });
  await t.rejects(loadIdentity({ cert: join(dir, 'missing.pem'), key: files.key }), { code: ErrorCodes.FILE_UNREADABLE, message: /missing\.pem/ });
});

t.test('a PEM bundle without a key file, or a cert file with no certificate', async (t) => {
  const dir = t.testdir();
  const files = writePki(dir, ec);
  await t.rejects(loadIdentity({ cert: files.bundle }), { code: ErrorCodes.BAD_KEY, message: /bundle\.pem: is not PKCS#12, so a private key file is needed/ });
  await t.rejects(loadIdentity({ cert: files.key, key: files.key }), { code: ErrorCodes.NO_CERTIFICATE, message: /leaf\.key: holds no certificate/ });
});

t.test('loadCertificateChain: the leaf and bundle without reading a key', async (t) => {
  const dir = t.testdir();
  const files = writePki(dir, ec);
  const passwordFile = write(dir, 'password', PASSWORD);
  const pem = await loadCertificateChain({ cert: files.bundle });
  t.equal(pem.leaf.fingerprint, ec.leaf.certificate.fingerprint);
  t.same(fingerprints(pem.bundle), [ec.intermediate.certificate.fingerprint]);
  t.same(pem.files, [files.bundle]);
  // A PKCS#12 with a key: the key picks the leaf, wherever it is.
  const p12 = writePkcs12(dir, 'id.p12', files, PASSWORD);
  const fromPkcs12 = await loadCertificateChain({ cert: p12, passwordFile });
  t.equal(fromPkcs12.leaf.fingerprint, ec.leaf.certificate.fingerprint);
  t.same(fromPkcs12.files, [p12, passwordFile]);
  // Without a key the first certificate is the leaf, as in a PEM bundle.
  const certsOnly = join(dir, 'certs-only.p12');
  openssl('pkcs12', '-export', '-nokeys', '-in', files.bundle, '-out', certsOnly, '-passout', 'pass:');
  t.equal((await loadCertificateChain({ cert: certsOnly })).leaf.fingerprint, ec.leaf.certificate.fingerprint);
  await t.rejects(loadCertificateChain({ cert: files.key }), { code: ErrorCodes.NO_CERTIFICATE });
});
