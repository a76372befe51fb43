import { join } from 'node:path';
import t from 'tap';
import { loadConfigFile } from '../../src/config/load.js';
import { parseConfig } from '../../src/config/parse.js';
import { ConfigError, RechainError } from '../../src/errors.js';
import { lines, minimalDoc } from '../helpers/config.js';

const VALID = `
trust:
  stores:
    - name: public
      sources: [system]
certificates:
  - name: db
    cert: /etc/rechain/tls.crt
    key: /etc/rechain/tls.key
listeners:
  - name: main
    listen: "0.0.0.0:6380"
    backend: "127.0.0.1:6379"
`;

async function loadError(path: string): Promise<RechainError> {
  try {
    await loadConfigFile(path);
  } catch (error) {
    if (error instanceof RechainError) return error;
    throw error;
  }
  throw new Error(`${path} loaded`);
}

t.test('a YAML file and a JSON file give the model of the same document', async (t) => {
  const dir = t.testdir({ 'rechain.yaml': VALID, 'rechain.json': JSON.stringify(minimalDoc()) });
  t.same(await loadConfigFile(join(dir, 'rechain.yaml')), parseConfig(minimalDoc()));
  t.same(await loadConfigFile(join(dir, 'rechain.json')), parseConfig(minimalDoc()));
});

t.test('YAML syntax errors are reported as FILE:LINE:COLUMN', async (t) => {
  const dir = t.testdir({ 'bad.yaml': 'trust:\n  stores: [a, b\nlisteners: []\n', 'dup.yaml': 'trust: {}\nlog: {}\ntrust: {}\n' });
  const bad = join(dir, 'bad.yaml');
  const error = (await loadError(bad)) as ConfigError;
  t.type(error, ConfigError);
  t.equal(error.file, bad);
  t.match(error.problems[0]!.message, new RegExp(`^${bad}:3:1: Flow sequence`));
  t.match(error.describe(), new RegExp(`^${bad}:3:1: `), 'the location leads the line an operator reads');
  const dup = (await loadError(join(dir, 'dup.yaml'))) as ConfigError;
  t.same(lines(dup.problems), [`: ${join(dir, 'dup.yaml')}:3:1: Map keys must be unique`]);
});

t.test('every problem carries the line of the value it names', async (t) => {
  const text = VALID.replace('key: /etc/rechain/tls.key', 'key: /etc/rechain/tls.key\n    kee: typo').replace('"127.0.0.1:6379"', '"127.0.0.1:99999"');
  const dir = t.testdir({ 'rechain.yaml': `${text}    routes:\n      - names: [a.test]\n        certificate: nope\n` });
  const path = join(dir, 'rechain.yaml');
  const error = (await loadError(path)) as ConfigError;
  t.same(lines(error.problems), [
    'certificates[0].kee: is not a known option (did you mean key?) (line 10)',
    'listeners[0].backend: "127.0.0.1:99999": the port must be a number from 1 to 65535 (line 14)',
  ]);
  t.match(error.describe(), new RegExp(`^${path}: certificates\\[0\\]\\.kee: `));
  const missing = (await loadError(join(t.testdir({ 'r.yaml': VALID.replace('    listen: "0.0.0.0:6380"\n', '') }), 'r.yaml'))) as ConfigError;
  t.same(lines(missing.problems), ['listeners[0].listen: is required (line 11)'], 'a missing key points at its parent');
});

t.test('files that are not a configuration', async (t) => {
  const dir = t.testdir({ 'empty.yaml': '', 'list.yaml': '- a\n- b\n', 'big.yaml': `# ${'x'.repeat(1024 * 1024)}\n`, sub: {} });
  t.match((await loadError(join(dir, 'empty.yaml'))).message, /must be a mapping of options/);
  t.match((await loadError(join(dir, 'list.yaml'))).message, /must be a mapping of options/);
  const missing = await loadError(join(dir, 'missing.yaml'));
  t.same([missing.code, missing.file, missing.message], ['E_FILE_UNREADABLE', join(dir, 'missing.yaml'), 'cannot read the configuration file: ENOENT']);
  t.match((await loadError(join(dir, 'sub'))).message, /not a regular file/);
  t.match((await loadError(join(dir, 'big.yaml'))).message, /too large for a configuration file/);
});

t.test('alias expansion is bounded', async (t) => {
  const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 6 }, (_, i) => {
    const prev = i === 0 ? 'a' : `l${i - 1}`;
    return `l${i}: &l${i} [*${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}]`;
  })].join('\n');
  const error = (await loadError(join(t.testdir({ 'bomb.yaml': bomb }), 'bomb.yaml'))) as ConfigError;
  t.type(error, ConfigError);
  t.match(error.message, /alias/i);
});
