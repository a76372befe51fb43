// Bad input at start: exit 2 (usage, configuration, inputs) or 1 (network), one message that
// names the file or field, and nothing left listening.
import t from 'tap';
import net from 'node:net';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createIncidentPki, writeIncidentFiles } from '../../src/demo/incident-pki.js';
import { issue } from '../../src/pki/generate.js';
import { runRechain } from '../helpers/rechain-process.js';

const day = 86_400_000;

t.test('bad inputs exit non-zero, naming the file or field', async (t) => {
  const dir = t.testdir();
  const files = await writeIncidentFiles(await createIncidentPki({ now: Date.now() }), dir);
  const other = await issue({ subject: 'other', names: ['other'], notBefore: new Date(Date.now() - day), notAfter: new Date(Date.now() + day) });
  const otherKey = path.join(dir, 'other.key');
  writeFileSync(otherKey, other.keyPem);
  const garbage = path.join(dir, 'garbage.pem');
  writeFileSync(garbage, '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n');
  const missing = path.join(dir, 'missing.pem');
  const serve = (...extra: string[]) => ['serve', '--listen', '127.0.0.1:0', '--backend', '127.0.0.1:1', ...extra];

  const cases: { name: string; args: string[]; code: number; names: (string | RegExp)[] }[] = [
    { name: 'a missing certificate file', args: serve('--cert', missing, '--key', files.key, '--trust', files.trustNew), code: 2, names: [missing] },
    { name: 'a garbage certificate file', args: serve('--cert', garbage, '--key', files.key, '--trust', files.trustNew), code: 2, names: [garbage] },
    { name: 'a key that does not match the leaf', args: serve('--cert', files.staleBundle, '--key', otherKey, '--trust', files.trustNew), code: 2, names: [files.staleBundle, otherKey] },
    { name: 'a garbage trust file', args: serve('--cert', files.staleBundle, '--key', files.key, '--trust', garbage), code: 2, names: [garbage] },
    { name: 'a pool path that does not exist', args: serve('--cert', files.staleBundle, '--key', files.key, '--pool', missing, '--trust', files.trustNew), code: 2, names: [missing] },
    { name: 'an unknown flag', args: ['serve', '--lissen', '127.0.0.1:0'], code: 2, names: ['--lissen'] },
    { name: 'a malformed duration', args: serve('--cert', files.staleBundle, '--key', files.key, '--horizon', 'soon'), code: 2, names: ['--horizon'] },
    { name: 'an unknown command', args: ['srve'], code: 2, names: ['srve'] },
  ];
  for (const c of cases) {
    const result = await runRechain(c.args);
    t.equal(result.code, c.code, `${c.name}: exit ${c.code}`);
    for (const n of c.names) t.match(result.stderr, n, `${c.name}: names ${n}`);
    t.notMatch(result.stderr, /PRIVATE KEY|at .*\.ts:\d+/, `${c.name}: no key material, no stack trace`);
  }
});

t.test('a configuration file with several problems reports them all with dotted paths', async (t) => {
  const dir = t.testdir();
  const config = path.join(dir, 'rechain.yaml');
  writeFileSync(
    config,
    [
      'trust:',
      '  stores: [{ name: s, sources: [system] }]',
      '  horizon: soon',
      'certificates: [{ name: c, cert: /nonexistent.pem, key: /nonexistent.key }]',
      'listeners:',
      '  - name: l',
      '    listen: 127.0.0.1:0',
      '    backend: 127.0.0.1:99999',
      '    colour: blue',
      '  - name: m',
      '    listen: 127.0.0.1:0',
      '    backend: 127.0.0.1:6379',
      '    certificate: nope',
      '',
    ].join('\n'),
  );
  const result = await runRechain(['serve', '--config', config]);
  t.equal(result.code, 2);
  t.match(result.stderr, config);
  t.match(result.stderr, 'trust.horizon');
  t.match(result.stderr, 'listeners[0].backend');
  t.match(result.stderr, 'listeners[0].colour');
  t.match(result.stderr, 'listeners[1].certificate');
});

t.test('a route whose name the leaf does not cover is a configuration error', async (t) => {
  const dir = t.testdir();
  const files = await writeIncidentFiles(await createIncidentPki({ now: Date.now() }), dir);
  const config = path.join(dir, 'routes.yaml');
  writeFileSync(
    config,
    [
      `trust: { stores: [{ name: s, sources: [${files.trustNew}] }] }`,
      `certificates: [{ name: db, cert: ${files.staleBundle}, key: ${files.key}, pool: [${files.pool}] }]`,
      'listeners:',
      '  - name: l',
      '    listen: 127.0.0.1:0',
      '    certificate: db',
      '    routes: [{ names: [db-a.cluster.test, db-b.cluster.test], backend: 127.0.0.1:6379 }]',
      '',
    ].join('\n'),
  );
  const result = await runRechain(['serve', '--config', config]);
  t.equal(result.code, 2);
  t.match(result.stderr, 'listeners[0].routes[0].names');
  t.match(result.stderr, 'db-b.cluster.test is not covered by certificate "db"');
  t.notMatch(result.stderr, 'db-a.cluster.test is not covered', 'a covered name is not reported');
});

t.test('an address in use exits 1 naming it, and leaves nothing listening', async (t) => {
  const dir = t.testdir();
  const files = await writeIncidentFiles(await createIncidentPki({ now: Date.now() }), dir);
  const taken = net.createServer().listen(0, '127.0.0.1');
  await once(taken, 'listening');
  t.teardown(() => taken.close());
  const port = (taken.address() as net.AddressInfo).port;
  const admin = net.createServer().listen(0, '127.0.0.1');
  await once(admin, 'listening');
  const adminPort = (admin.address() as net.AddressInfo).port;
  admin.close();
  await once(admin, 'close');

  // The listener binds, then the admin address is taken: the listener must be released.
  const result = await runRechain([
    'serve', '--listen', `127.0.0.1:${adminPort}`, '--admin', `127.0.0.1:${port}`, '--backend', '127.0.0.1:1',
    '--cert', files.staleBundle, '--key', files.key, '--pool', files.pool, '--trust', files.trustNew,
  ]);
  t.equal(result.code, 1);
  t.match(result.stderr, `127.0.0.1:${port}`);
  t.match(result.stderr, 'already in use');
  const probe = net.createServer().listen(adminPort, '127.0.0.1');
  await once(probe, 'listening');
  probe.close();
  t.pass('the listener port was released');
});

t.test('explain exits 0 for a valid chain, 1 for none, 2 for usage errors', async (t) => {
  const dir = t.testdir();
  const files = await writeIncidentFiles(await createIncidentPki({ now: Date.now() }), dir);
  const base = ['explain', '--cert', files.staleBundle, '--pool', files.pool];
  const valid = await runRechain([...base, '--trust', files.trustNew, '--servername', 'db-a.cluster.test']);
  t.equal(valid.code, 0, valid.stderr);
  t.match(valid.stdout, /chosen: #1 db-a\.cluster\.test \([0-9a-f]{8}\) -> R3 \([0-9a-f]{8}\) -> \[ISRG Root X1/);
  const invalid = await runRechain(['explain', '--cert', files.staleBundle, '--trust', files.trustNew]);
  t.equal(invalid.code, 1, 'without the pool no chain reaches ISRG Root X1');
  t.match(invalid.stdout, 'INVALID');
  const json = await runRechain([...base, '--trust', files.trustNew, '--json', '--at', new Date().toISOString()]);
  t.equal(json.code, 0);
  const parsed = JSON.parse(json.stdout) as { valid: boolean; certificates: { default: { rewritten: boolean } } };
  t.equal(parsed.valid, true);
  t.equal(parsed.certificates.default.rewritten, true);
  const usage = await runRechain([...base, '--at', 'yesterday']);
  t.equal(usage.code, 2);
  t.match(usage.stderr, '--at');
});
