// What check does with bad input and unreachable peers: usage and configuration errors name
// the argument, flag or file (exit 2, before any connection); a peer that refuses, or never
// finishes the handshake, is a failure (exit 1) that says which.
import t from 'tap';
import net from 'node:net';
import path from 'node:path';
import { writeFileSync } from 'node:fs';
import { ConfigError, ErrorCodes, type RechainError } from '../../src/errors.js';
import { makePki, rejection, writePki } from '../helpers/pki-files.js';
import { check } from '../helpers/check-peers.js';
import { listen } from '../helpers/sockets.js';

t.test('usage errors name the argument or flag (exit 2)', async (t) => {
  const cases: [string[], string, RegExp][] = [
    [[], 'HOST:PORT', /check needs the peer/],
    [['example.test'], 'HOST:PORT', /has no port/],
    [['127.0.0.1:0'], 'HOST:PORT', /port must be a number from 1/],
    [['example.test:443', '--servername', '*.example.test'], '--servername', /is not a host name/],
    [['example.test:443', '--servername', '10.0.0.1'], '--servername', /SNI carries host names only/],
    [['example.test:443', '--timeout', '0'], '--timeout', /longer than 0s/],
    [['example.test:443', '--at', 'yesterday'], '--at', /ISO 8601/],
    [['a:1', 'b:2'], '', /unexpected argument "b:2"/],
  ];
  for (const [args, field, message] of cases) {
    const e = await rejection(check(args));
    t.equal(e.code, ErrorCodes.USAGE, `${args.join(' ')}: usage`);
    t.equal(e.exitCode, 2);
    if (field) t.equal(e.field, field, `${args.join(' ')}: names ${field}`);
    t.match(e.message, message);
  }
});

t.test('configuration errors name the flag or file (exit 2)', async (t) => {
  const dir = t.testdir();
  const files = writePki(dir, await makePki());
  const flags = (await rejection(check(['example.test:443', '--trust', files.root, '--horizon', 'soon', '--distrust', 'abc']))) as ConfigError;
  t.type(flags, ConfigError);
  t.same(flags.problems.map((p) => p.path).sort(), ['--distrust', '--horizon']);

  const config = path.join(dir, 'rechain.yaml');
  writeFileSync(config, `trust:\n  stores:\n    - { name: modern, sources: ["${files.root}"] }\n`);
  const both = (await rejection(check(['example.test:443', '--config', config, '--trust', files.root]))) as ConfigError;
  t.same(both.problems, [{ path: '--trust', message: 'cannot be combined with --config; set it in the file' }]);

  const missing: RechainError = await rejection(check(['example.test:443', '--trust', path.join(dir, 'nope.pem')]));
  t.equal(missing.code, ErrorCodes.FILE_UNREADABLE);
  t.match(missing.describe(), /nope\.pem/);
  const pool: RechainError = await rejection(check(['example.test:443', '--trust', files.root, '--pool', path.join(dir, 'no-pool')]));
  t.match(pool.describe(), /no-pool/);
});

t.test('a refused connection and a stalled handshake are failures (exit 1)', async (t) => {
  const files = writePki(t.testdir(), await makePki());
  const closed = net.createServer();
  const freePort = await new Promise<number>((resolve) => closed.listen(0, '127.0.0.1', () => resolve((closed.address() as net.AddressInfo).port)));
  await new Promise((resolve) => closed.close(resolve));

  const refused = await rejection(check([`127.0.0.1:${freePort}`, '--trust', files.root]));
  t.equal(refused.code, ErrorCodes.NETWORK);
  t.equal(refused.exitCode, 1);
  t.match(refused.message, new RegExp(`TLS connection to 127\\.0\\.0\\.1:${freePort} failed: .*ECONNREFUSED`));

  // Accepts TCP, never speaks TLS.
  const silentPort = await listen(t, net.createServer(() => {}));
  const stalled = await rejection(check([`127.0.0.1:${silentPort}`, '--trust', files.root, '--timeout', '300ms']));
  t.equal(stalled.code, ErrorCodes.NETWORK);
  t.match(stalled.message, `no TLS handshake with 127.0.0.1:${silentPort} within 300 ms`);
});
