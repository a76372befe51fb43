// The rechain configurations embedded in deploy/kubernetes ConfigMaps: each validates against
// config/rechain.schema.json (ajv, with rechain's string formats) and passes rechain's own
// parser, and each fits the pod that loads it: every file it names is inside a mounted volume
// that provides it, its ports are the container's, its backends exist, the Certificate covers
// every SNI route.
import t, { type Test } from 'tap';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import type { IConfigMap, IContainer, IPodSpec, IService } from 'kubernetes-models/v1';
import type { ICertificate } from '@kubernetes-models/cert-manager/cert-manager.io/v1';
import { STRING_FORMATS } from '../../src/config/formats.js';
import { parseConfig } from '../../src/config/index.js';
import {
  CONFIG_SCHEMA,
  configMapNamed,
  find,
  findTool,
  KUSTOMIZATIONS,
  rechainWorkloads,
  renderAll,
  resolvePort,
  TOOL_HINTS,
  type K8sObject,
} from '../helpers/deploy-manifests.js';

/** What these tests read of a config document (the schema checks the whole of it). */
interface RechainDoc {
  admin?: { listen: string };
  trust: { stores: { name: string; required?: boolean; sources: string[] }[] };
  certificates?: { name: string; cert: string; key?: string; passwordFile?: string; pool?: string[] }[];
  listeners?: {
    name: string;
    listen: string;
    backend?: string;
    certificate?: string;
    clientAuth?: { ca?: string[] };
    routes?: { names: string[]; backend?: string; certificate?: string }[];
  }[];
}

const CONFIG_KEY = 'rechain.yaml';
/** Keys cert-manager writes into a Certificate's Secret. */
const CERT_MANAGER_KEYS = ['tls.crt', 'tls.key', 'ca.crt'];

const portOf = (address: string) => Number(address.slice(address.lastIndexOf(':') + 1));
const hostOf = (address: string) => address.slice(0, address.lastIndexOf(':')).replace(/^\[|\]$/g, '');

const kubectl = findTool('kubectl');
if (!kubectl) {
  t.fail(`kubectl is not on PATH: ${TOOL_HINTS.kubectl}`);
} else {
  const rendered = renderAll(kubectl);
  const configs = KUSTOMIZATIONS.flatMap((overlay) =>
    find<IConfigMap>(rendered[overlay], 'ConfigMap')
      .filter((cm) => cm.data?.[CONFIG_KEY] !== undefined)
      .map((cm) => ({ overlay, configMap: cm, doc: parse(cm.data![CONFIG_KEY]!) as RechainDoc })),
  );

  t.test('base, sidecar and ingress each ship a rechain config', async (t) => {
    t.same([...new Set(configs.map((c) => c.overlay))].sort(), ['base', 'ingress', 'sidecar']);
  });

  t.test('every embedded config validates against config/rechain.schema.json', async (t) => {
    if (!existsSync(CONFIG_SCHEMA)) {
      t.fail(`${path.relative(process.cwd(), CONFIG_SCHEMA)} does not exist: the configs cannot be checked against the schema`);
      return;
    }
    const ajv = new Ajv({ allErrors: true, strict: true });
    for (const [name, format] of Object.entries(STRING_FORMATS)) {
      ajv.addFormat(name, { type: 'string', validate: (text: string) => format.problem(text) === undefined });
    }
    const validate = ajv.compile(JSON.parse(readFileSync(CONFIG_SCHEMA, 'utf8')) as object);
    for (const { overlay, configMap, doc } of configs) {
      const ok = validate(doc);
      t.ok(ok, `${overlay}: ConfigMap ${configMap.metadata?.name}`, { errors: ok ? undefined : ajv.errorsText(validate.errors) });
    }
  });

  t.test("every embedded config passes rechain's own parser (shape and cross-field checks)", async (t) => {
    for (const { overlay, configMap, doc } of configs) {
      t.doesNotThrow(() => parseConfig(doc, `${overlay}/${CONFIG_KEY}`), `${overlay}: ConfigMap ${configMap.metadata?.name}`);
    }
  });

  t.test('each overlay config fits the pod that loads it', async (t) => {
    for (const overlay of ['sidecar', 'ingress'] as const) {
      const objects = rendered[overlay];
      for (const { workload, pod, container } of rechainWorkloads(objects)) {
        t.test(`${overlay} ${workload.kind} ${workload.metadata.name}`, async (t) => checkConfigFitsPod(t, objects, pod, container));
      }
    }
  });

  t.test('ingress: every SNI route is covered by the Certificate and reaches a rendered Service', async (t) => {
    const objects = rendered.ingress;
    const doc = configs.find((c) => c.overlay === 'ingress')!.doc;
    const names = find<ICertificate>(objects, 'Certificate').flatMap((c) => c.spec.dnsNames ?? []);
    const covered = (host: string) =>
      names.some((n) => n === host || (n.startsWith('*.') && host.split('.').slice(1).join('.') === n.slice(2)));
    const routes = (doc.listeners ?? []).flatMap((l) => l.routes ?? []);
    t.ok(routes.length >= 3, `several routes (${routes.length})`);
    for (const route of routes) {
      for (const name of route.names) t.ok(covered(name), `${name} is covered by the Certificate`);
    }
    const backends = (doc.listeners ?? []).flatMap((l) => [l.backend, ...(l.routes ?? []).map((r) => r.backend)]);
    for (const backend of backends.filter((b): b is string => b !== undefined)) {
      const [service, namespace, svc] = hostOf(backend).split('.');
      t.equal(svc, 'svc', `${backend} is a Service address`);
      const target = find<IService>(objects, 'Service').find((s) => s.metadata?.name === service && s.metadata?.namespace === namespace);
      t.ok(target?.spec?.ports?.some((p) => p.port === portOf(backend)), `${backend}: Service ${namespace}/${service} exposes the port`);
    }
  });

  t.test('sidecar: the listener forwards to redis on loopback', async (t) => {
    const doc = configs.find((c) => c.overlay === 'sidecar')!.doc;
    const [{ pod }] = rechainWorkloads(rendered.sidecar) as [ReturnType<typeof rechainWorkloads>[number]];
    const redis = pod.containers.find((c) => c.name === 'redis');
    const redisPort = Number(redis?.args?.[(redis.args.indexOf('--port') ?? -2) + 1]);
    for (const listener of doc.listeners ?? []) {
      t.equal(listener.backend, `127.0.0.1:${redisPort}`, `listener ${listener.name} -> redis on 127.0.0.1:${redisPort}`);
    }
  });
}

/** Files, ports and references of the config mounted into this pod. */
function checkConfigFitsPod(t: Test, objects: K8sObject[], pod: IPodSpec, container: IContainer): void {
  const configFile = container.args?.[container.args.indexOf('--config') + 1] ?? '';
  const volumes = new Map((pod.volumes ?? []).map((v) => [v.name, v]));
  const mounts = (container.volumeMounts ?? []).map((m) => ({ mount: m, volume: volumes.get(m.name) }));

  /** The volume mount holding an absolute path, and the path inside it. */
  const locate = (file: string) => {
    const hit = mounts.find(({ mount }) => file === mount.mountPath || file.startsWith(`${mount.mountPath}/`));
    return hit && { ...hit, inside: path.posix.relative(hit.mount.mountPath, file) };
  };

  const configAt = locate(configFile);
  const configMap = configAt?.volume?.configMap && configMapNamed(objects, configAt.volume.configMap.name!);
  t.ok(configMap?.data?.[configAt!.inside] !== undefined, `--config ${configFile} is a key of a mounted ConfigMap`);
  if (!configMap?.data) return;
  const doc = parse(configMap.data[configAt!.inside]!) as RechainDoc;

  /** Each file the config names must be provided by the volume it falls in. */
  const provided = (file: string, what: string) => {
    const at = locate(file);
    if (!at?.volume) return t.fail(`${what} ${file} is not inside any mounted volume`);
    if (at.volume.secret) {
      const issued = find<ICertificate>(objects, 'Certificate').some((c) => c.spec.secretName === at.volume!.secret!.secretName);
      t.ok(issued && CERT_MANAGER_KEYS.includes(at.inside), `${what} ${file} is ${at.inside || '(the whole mount)'} of the cert-manager Secret ${at.volume.secret.secretName}`);
    } else if (at.volume.configMap) {
      const data = configMapNamed(objects, at.volume.configMap.name!)?.data ?? {};
      const ok = at.inside === '' ? Object.keys(data).length > 0 : data[at.inside] !== undefined;
      t.ok(ok, `${what} ${file} is provided by ConfigMap ${at.volume.configMap.name}`);
    } else {
      t.fail(`${what} ${file} is in volume ${at.mount.name}, which is neither a Secret nor a ConfigMap`);
    }
  };
  for (const c of doc.certificates ?? []) {
    provided(c.cert, `certificates[${c.name}].cert`);
    if (c.key) provided(c.key, `certificates[${c.name}].key`);
    if (c.passwordFile) provided(c.passwordFile, `certificates[${c.name}].passwordFile`);
    for (const p of c.pool ?? []) provided(p, `certificates[${c.name}].pool`);
  }
  for (const s of doc.trust.stores) {
    for (const source of s.sources.filter((x) => x.startsWith('/'))) provided(source, `trust.stores[${s.name}].sources`);
  }
  for (const l of doc.listeners ?? []) for (const ca of l.clientAuth?.ca ?? []) provided(ca, `listeners[${l.name}].clientAuth.ca`);

  t.ok(doc.admin, 'the admin endpoint is enabled (probes and metrics need it)');
  if (doc.admin) {
    t.equal(hostOf(doc.admin.listen), '0.0.0.0', 'admin listens on the pod IP (kubelet probes, Prometheus)');
    t.equal(portOf(doc.admin.listen), resolvePort(container, 'rechain-admin'), 'admin port = container port rechain-admin');
  }
  const containerPorts = (container.ports ?? []).map((p) => p.containerPort);
  for (const l of doc.listeners ?? []) {
    t.ok(containerPorts.includes(portOf(l.listen)), `listener ${l.name} port ${portOf(l.listen)} is a container port`);
  }
}

