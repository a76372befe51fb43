import { readdir, readFile } from 'node:fs/promises';
import t from 'tap';
import { parse as parseYaml } from 'yaml';
import { SERVE_FLAGS } from '../../src/config/flags.js';
import { parseConfig } from '../../src/config/parse.js';
import { ConfigSchema, configJsonSchemaText } from '../../src/config/schema.js';

const root = new URL('../../', import.meta.url);
const text = (path: string) => readFile(new URL(path, root), 'utf8');

t.test('config/rechain.schema.json is the schema generated from src/config/schema.ts', async (t) => {
  const committed = await text('config/rechain.schema.json');
  t.equal(committed, configJsonSchemaText(), 'regenerate it: npm run build && node scripts/write-schema.mjs');
});

t.test('every example parses (paths need not exist: parsing reads no files)', async (t) => {
  const names = (await readdir(new URL('config/examples/', root))).filter((n) => n.endsWith('.yaml')).sort();
  t.same(names, ['http.yaml', 'incident-2021.yaml', 'ingress.yaml', 'mtls-peer.yaml', 'sidecar.yaml']);
  for (const name of names) {
    const source = await text(`config/examples/${name}`);
    t.match(source, /^# yaml-language-server: \$schema=\.\.\/rechain\.schema\.json\n/, `${name} points editors at the schema`);
    t.doesNotThrow(() => parseConfig(parseYaml(source), name), name);
  }
});

t.test('the examples show what their names promise', async (t) => {
  const load = async (name: string) => parseConfig(parseYaml(await text(`config/examples/${name}`)));
  const ingress = await load('ingress.yaml');
  t.ok(ingress.listeners[0]!.routes.length >= 3 && new Set(ingress.listeners[0]!.routes.map((r) => r.backend.host)).size >= 3, 'ingress: several SNI routes to several backends');
  t.equal((await load('http.yaml')).listeners[0]!.mode, 'http');
  const peer = await load('mtls-peer.yaml');
  t.equal(peer.listeners[0]!.clientAuth.mode, 'require');
  t.equal(peer.connectors.length, 1);
  const incident = await load('incident-2021.yaml');
  t.same(incident.trust.stores.map((s) => s.required), [true, false], 'incident-2021: a required and an optional store');
  t.equal(incident.trust.horizonMs, 30 * 86_400_000);
  t.same(incident.trust.prefer.map((p) => p.kind), ['name', 'spki']);
});

t.test('docs/configuration.md covers every option and every serve flag', async (t) => {
  const docs = await text('docs/configuration.md');
  const prose = docs.replace(/```[\s\S]*?```/g, ''); // options must be described, not only shown
  const quoted = [...prose.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
  for (const option of optionNames(ConfigSchema)) {
    t.ok(quoted.some((q) => new RegExp(`(^|[.\\]])${option}($|[.\\[ ])`).test(q)), `option ${option}`);
  }
  for (const flag of Object.keys(SERVE_FLAGS)) t.match(docs, new RegExp(`\\| \`--${flag}[ \`]`), `flag --${flag} in the mapping table`);
});

/** Every property name at any depth of a JSON Schema. */
function optionNames(schema: unknown): Set<string> {
  const names = new Set<string>();
  const visit = (node: unknown): void => {
    if (typeof node !== 'object' || node === null) return;
    const { properties, items } = node as { properties?: Record<string, unknown>; items?: unknown };
    for (const [name, child] of Object.entries(properties ?? {})) {
      names.add(name);
      visit(child);
    }
    visit(items);
  };
  visit(schema);
  return names;
}
