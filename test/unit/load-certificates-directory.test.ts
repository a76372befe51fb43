// loadCertificates on directories: c_rehash layouts, Kubernetes ..data volumes, .NET-store
// PKCS#12 files, and what is skipped with a warning versus what is an error.
import t from 'tap';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { loadCertificates } from '../../src/pki/load-certificates.js';
import { ErrorCodes } from '../../src/errors.js';
import { fingerprints, makePki, openssl, write, writePki, writePkcs12 } from '../helpers/pki-files.js';

const pki = await makePki();
const other = await makePki('ec-p256', 'Other');

t.test('an OpenSSL c_rehash directory: each certificate once, labelled with its real name', async (t) => {
  const dir = t.testdir();
  const root = write(dir, 'Test_Root.pem', pki.root.pem);
  const intermediate = write(dir, 'Test_Intermediate.crt', pki.intermediate.pem);
  openssl('rehash', dir);
  t.ok(readdirSync(dir).some((n) => /^[0-9a-f]{8}\.0$/.test(n)), 'openssl rehash made hash links');
  const { certificates, warnings } = await loadCertificates(dir);
  t.same(warnings, []);
  t.same(
    certificates.map((c) => [c.fingerprint, c.source]),
    [
      [pki.intermediate.certificate.fingerprint, intermediate],
      [pki.root.certificate.fingerprint, root],
    ],
  );
});

t.test('hash links into another directory (Debian /etc/ssl/certs -> /usr/share/ca-certificates)', async (t) => {
  const base = t.testdir({ share: {}, certs: {} });
  const target = write(join(base, 'share'), 'root.crt', pki.root.pem);
  const link = join(base, 'certs', '5ad8a5d6.0');
  symlinkSync(target, link);
  symlinkSync(target, join(base, 'certs', 'root.pem'));
  const { certificates } = await loadCertificates(join(base, 'certs'));
  t.same(
    certificates.map((c) => [c.fingerprint, c.source]),
    [[pki.root.certificate.fingerprint, join(base, 'certs', 'root.pem')]],
  );
});

t.test('a Kubernetes volume: read through the ..data symlinks, never the dot entries themselves', async (t) => {
  const dir = t.testdir();
  const version = join(dir, '..2024_05_01_12_00_00.123456789');
  mkdirSync(version);
  write(version, 'ca.crt', pki.root.pem);
  write(version, 'tls.crt', pki.leaf.pem + pki.intermediate.pem);
  write(version, 'tls.key', pki.leaf.keyPem);
  symlinkSync('..2024_05_01_12_00_00.123456789', join(dir, '..data'));
  for (const name of ['ca.crt', 'tls.crt', 'tls.key']) symlinkSync(join('..data', name), join(dir, name));
  const { certificates, warnings } = await loadCertificates(dir);
  t.same(
    certificates.map((c) => [c.fingerprint, c.source]),
    [
      [pki.root.certificate.fingerprint, join(dir, 'ca.crt')],
      [pki.leaf.certificate.fingerprint, join(dir, 'tls.crt')],
      [pki.intermediate.certificate.fingerprint, join(dir, 'tls.crt')],
    ],
  );
  t.same(warnings, [{ file: join(dir, 'tls.key'), message: 'holds no certificate (read as PEM from its first bytes); skipped' }]);
});

t.test('a .NET-store style <THUMBPRINT>.pfx with no password file opens with the empty password', async (t) => {
  const dir = t.testdir({ store: {} });
  const thumbprint = createHash('sha1').update(pki.leaf.certificate.der).digest('hex').toUpperCase();
  writePkcs12(join(dir, 'store'), `${thumbprint}.pfx`, writePki(dir, pki), '');
  const { certificates } = await loadCertificates(join(dir, 'store'));
  t.same(fingerprints(certificates), fingerprints([pki.leaf.certificate, pki.intermediate.certificate, pki.root.certificate]));
});

t.test('files with no certificate, subdirectories, broken links and FIFOs are skipped; duplicates kept once', async (t) => {
  const dir = t.testdir({ nested: { 'inner.pem': other.root.pem } });
  write(dir, 'a.pem', pki.root.pem);
  write(dir, 'b.pem', pki.root.pem + other.root.pem);
  write(dir, 'README', 'These are our roots.\n');
  symlinkSync(join(dir, 'gone.pem'), join(dir, 'dangling.pem'));
  symlinkSync('loop-b', join(dir, 'loop-a'));
  symlinkSync('loop-a', join(dir, 'loop-b'));
  execFileSync('mkfifo', [join(dir, 'pipe')]);
  const { certificates, warnings } = await loadCertificates(dir);
  t.same(
    certificates.map((c) => [c.fingerprint, c.source]),
    [
      [pki.root.certificate.fingerprint, join(dir, 'a.pem')],
      [other.root.certificate.fingerprint, join(dir, 'b.pem')],
    ],
  );
  t.same(warnings, [
    { file: join(dir, 'README'), message: 'holds no certificate: it is not PEM, DER, PKCS#7 or PKCS#12; skipped' },
    { file: join(dir, 'dangling.pem'), message: 'is a broken symbolic link; skipped' },
    { file: join(dir, 'loop-a'), message: 'is a broken symbolic link; skipped' },
    { file: join(dir, 'loop-b'), message: 'is a broken symbolic link; skipped' },
    { file: join(dir, 'pipe'), message: 'is not a regular file; skipped' },
  ]);
});

t.test('an empty directory yields no certificate and a warning', async (t) => {
  const dir = t.testdir();
  t.same(await loadCertificates(dir), { certificates: [], warnings: [{ file: dir, message: 'directory holds no certificate' }] });
});

t.test('a malformed file in a directory is an error naming that file', async (t) => {
  const dir = t.testdir();
  write(dir, 'good.pem', pki.root.pem);
  const bad = write(dir, 'bad.der', pki.root.certificate.der.subarray(0, 50));
  await t.rejects(loadCertificates(dir), { code: ErrorCodes.BAD_CERTIFICATE, file: bad, message: /bad\.der: / });
});

t.test('a PKCS#12 in a directory that the password does not open is E_BAD_PASSWORD', async (t) => {
  const dir = t.testdir({ store: {} });
  const path = writePkcs12(join(dir, 'store'), 'identity.p12', writePki(dir, pki), 'secret');
  await t.rejects(loadCertificates(join(dir, 'store')), { code: ErrorCodes.BAD_PASSWORD, file: path });
  const passwordFile = write(dir, 'password', 'secret');
  t.equal((await loadCertificates(join(dir, 'store'), { passwordFile })).certificates.length, 3);
});
