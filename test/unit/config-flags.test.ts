import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import t from 'tap';
import { parse as parseYaml } from 'yaml';
import { configFromServeFlags, SERVE_FLAGS, SERVE_PARSE_OPTIONS, type ServeFlags } from '../../src/config/flags.js';
import { loadServeConfig } from '../../src/config/load.js';
import { parseConfig } from '../../src/config/parse.js';
import type { TcpListenerConfig } from '../../src/config/types.js';
import { lines, problemsOf, rejectionProblems } from '../helpers/config.js';

const serveFlags = (args: string[]): ServeFlags => parseArgs({ args, options: SERVE_PARSE_OPTIONS, strict: true }).values;
const flagProblems = (args: string[]) => lines(problemsOf(() => configFromServeFlags(serveFlags(args))));

const SIDECAR = ['--listen', '0.0.0.0:6380', '--backend', '127.0.0.1:6379', '--cert', '/etc/rechain/tls/tls.crt', '--key', '/etc/rechain/tls/tls.key'];

t.test('the sidecar flags and config/examples/sidecar.yaml give the same model', async (t) => {
  const yaml = parseYaml(await readFile(new URL('../../config/examples/sidecar.yaml', import.meta.url), 'utf8'));
  t.same(configFromServeFlags(serveFlags([...SIDECAR, '--admin', '127.0.0.1:9090'])), parseConfig(yaml));
});

t.test('every serve flag lands where its table entry says, equal to the YAML that says the same', async (t) => {
  const hex = 'ab'.repeat(32);
  const args = [
    ...SIDECAR,
    ...['--password-file', '/run/pw', '--mode', 'tcp', '--pool', 'a.pem', '--pool', 'dir/'],
    ...['--trust', 'system', '--trust', 'extra.pem', '--distrust', hex, '--horizon', '30d'],
    ...['--prefer-root', 'ISRG Root X1', '--prefer-root', `sha256:${hex}`, '--admin', '[::1]:9090'],
    ...['--servername', 'db.test', '--alpn', 'redis', '--client-ca', 'ca.pem', '--client-auth', 'request'],
    ...['--allow-fingerprint', hex, '--allow-spki', hex, '--allow-san', 'spiffe://cluster.test/*'],
    ...['--proxy-protocol', '--log-level', 'debug'],
  ];
  const yaml = {
    admin: { listen: '[::1]:9090' },
    log: { level: 'debug' },
    trust: { stores: [{ name: 'default', sources: ['system', 'extra.pem'] }], distrust: [hex], horizon: '30d', prefer: ['ISRG Root X1', `sha256:${hex}`] },
    certificates: [
      { name: 'default', cert: '/etc/rechain/tls/tls.crt', key: '/etc/rechain/tls/tls.key', passwordFile: '/run/pw', pool: ['a.pem', 'dir/'], names: ['db.test'] },
    ],
    listeners: [
      {
        name: 'default',
        listen: '0.0.0.0:6380',
        mode: 'tcp',
        backend: '127.0.0.1:6379',
        certificate: 'default',
        alpn: ['redis'],
        proxyProtocol: true,
        clientAuth: { mode: 'request', ca: ['ca.pem'], allow: { fingerprints: [hex], spki: [hex], sans: ['spiffe://cluster.test/*'] } },
      },
    ],
  };
  const fromFlags = configFromServeFlags(serveFlags(args));
  t.same(fromFlags, parseConfig(yaml));
  t.equal((fromFlags.listeners[0] as TcpListenerConfig).proxyProtocol, true);
  t.equal(Object.keys(SERVE_FLAGS).filter((f) => f !== 'config' && !args.includes(`--${f}`)).length, 0, 'the test sets every flag');
});

t.test('flag defaults: system trust, tcp mode, require with --client-ca', async (t) => {
  const config = configFromServeFlags(serveFlags([...SIDECAR, '--client-ca', 'ca.pem']));
  t.same(config.trust.stores, [{ name: 'default', required: true, sources: [{ kind: 'system' }] }]);
  t.equal(config.listeners[0]!.mode, 'tcp');
  t.equal(config.listeners[0]!.clientAuth.mode, 'require');
  t.equal(config.admin, undefined, 'admin is off unless --admin');
});

t.test('problems are reported under the flag that caused them', async (t) => {
  t.same(flagProblems([]), ['--listen: is required', '--cert: is required']);
  t.same(flagProblems(['--listen', '0.0.0.0:443', '--cert', 'c.pem']), ['--backend: is required: there is no route to send connections to']);
  t.same(flagProblems([...SIDECAR, '--trust', 'system', '--trust', '', '--distrust', 'abc', '--horizon', '30', '--mode', 'http', '--alpn', 'h2']), [
    '--trust: must not be empty',
    '--distrust: "abc" is not a SHA-256: 64 hex digits, optionally with a sha256: prefix and colons, as `openssl x509 -noout -fingerprint -sha256` prints',
    '--horizon: "30" needs a unit: write a number and a unit (ms, s, m, h, d) such as 30s or 1h30m',
    '--alpn: is only used in tcp mode (http mode always offers http/1.1)',
  ]);
  t.same(flagProblems([...SIDECAR, '--client-auth', 'require', '--allow-san', 'bad host']), [
    '--allow-san: "bad host" is not a SAN pattern: a DNS name (*.example.com), URI (spiffe://...), email or IP',
  ]);
  t.same(flagProblems([...SIDECAR, '--client-auth', 'require']), [
    '--client-ca: is required when client authentication is require: client certificates are verified against it',
  ]);
  t.same(flagProblems([...SIDECAR, '--admin', '0.0.0.0:6380']), ['--listen: "0.0.0.0:6380" collides with --admin ("0.0.0.0:6380")']);
});

t.test('explain describes certificates and trust only: no listener', async (t) => {
  const config = configFromServeFlags(serveFlags(['--cert', 'leaf.pem', '--pool', 'int.pem', '--trust', 'roots.pem', '--servername', 'db.test']), { listener: false });
  t.same(config.listeners, []);
  t.same(config.certificates[0]!.names, ['db.test']);
  t.same(config.trust.stores[0]!.sources, [{ kind: 'path', path: 'roots.pem' }]);
});

t.test('loadServeConfig: --config stands alone, and must describe a listener', async (t) => {
  t.same(await loadServeConfig(serveFlags(SIDECAR)), configFromServeFlags(serveFlags(SIDECAR)));
  const combined = rejectionProblems(loadServeConfig(serveFlags(['--config', 'rechain.yaml', '--listen', '0.0.0.0:1', '--proxy-protocol'])));
  t.same(lines(await combined), [
    '--listen: cannot be combined with --config; set it in the file',
    '--proxy-protocol: cannot be combined with --config; set it in the file',
  ]);
  const sidecar = new URL('../../config/examples/sidecar.yaml', import.meta.url).pathname;
  t.same(await loadServeConfig(serveFlags(['--config', sidecar])), configFromServeFlags(serveFlags([...SIDECAR, '--admin', '127.0.0.1:9090'])));
  const dir = t.testdir({ 'explain-only.yaml': 'trust: { stores: [{ name: public, sources: [system] }] }\ncertificates: [{ name: a, cert: a.pem }]\n' });
  const noListener = rejectionProblems(loadServeConfig(serveFlags(['--config', `${dir}/explain-only.yaml`])));
  t.same(lines(await noListener), ['listeners: at least one is required to serve']);
});

t.test('the flag table gives parseArgs options and help text', async (t) => {
  t.same(SERVE_PARSE_OPTIONS.pool, { type: 'string', multiple: true });
  t.same(SERVE_PARSE_OPTIONS['proxy-protocol'], { type: 'boolean', multiple: false });
  for (const [name, spec] of Object.entries(SERVE_FLAGS)) {
    t.ok(spec.help.length > 0, `--${name} has help`);
    t.equal(spec.type === 'boolean', !('value' in spec), `--${name}: a value placeholder exactly when it takes a value`);
  }
  t.throws(() => serveFlags(['--lissten', 'x']), { code: 'ERR_PARSE_ARGS_UNKNOWN_OPTION' });
});
