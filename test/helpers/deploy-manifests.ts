// Helpers for the deploy/ tests: locating external tools, rendering the kustomizations, looking up
// Kubernetes/CRD models by apiVersion and kind, and the metric names of DESIGN §7.
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import * as coreV1 from 'kubernetes-models/v1';
import type { IConfigMap, IContainer, IPodSpec, IPodTemplateSpec } from 'kubernetes-models/v1';
import * as appsV1 from 'kubernetes-models/apps/v1';
import * as policyV1 from 'kubernetes-models/policy/v1';
import * as certManagerV1 from '@kubernetes-models/cert-manager/cert-manager.io/v1';
import * as monitoringV1 from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';

const here = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(here, '../..');
export const KUBERNETES_DIR = path.join(REPO_ROOT, 'deploy/kubernetes');
export const MONITORING_DIR = path.join(KUBERNETES_DIR, 'monitoring');
export const CONFIG_SCHEMA = path.join(REPO_ROOT, 'config/rechain.schema.json');

/** Every kustomization under deploy/kubernetes, by directory name. */
export const KUSTOMIZATIONS = ['base', 'sidecar', 'ingress', 'monitoring'] as const;

/** Every metric family rechain itself exports: DESIGN §7 plus its extensions (build and trust-store info). */
export async function exportedMetrics(): Promise<Set<string>> {
  const { createMetrics } = await import('../../src/admin/metrics.js');
  const text = await createMetrics('test').render();
  return new Set([...text.matchAll(/^# TYPE (rechain_\w+) /gm)].map((m) => m[1]!));
}
export type KustomizationName = (typeof KUSTOMIZATIONS)[number];

/** DESIGN §7: the metric names are a public contract. */
export const DESIGN_METRICS = [
  'rechain_chain_valid',
  'rechain_chain_info',
  'rechain_chain_rewritten',
  'rechain_chain_expiry_timestamp_seconds',
  'rechain_chain_selections_total',
  'rechain_reloads_total',
  'rechain_handshakes_total',
  'rechain_handshake_failures_total',
  'rechain_handshake_duration_seconds',
  'rechain_connections_active',
  'rechain_backend_errors_total',
  'rechain_bytes_total',
] as const;

const HISTOGRAMS = new Set<string>(['rechain_handshake_duration_seconds']);

/** Metric names a PromQL expression mentions; a histogram's _bucket/_sum/_count fold into its name. */
export function metricsIn(expr: string): Set<string> {
  const found = new Set<string>();
  for (const [name] of expr.matchAll(/\brechain_[a-z_]+\b/g)) {
    const family = name.replace(/_(bucket|sum|count)$/, '');
    found.add(HISTOGRAMS.has(family) ? family : name);
  }
  return found;
}

/** Absolute path of an executable on PATH, or undefined. */
export function findTool(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

export const TOOL_HINTS: Record<string, string> = {
  kubectl: 'kubectl renders the kustomizations (`kubectl kustomize`); install kubectl >= 1.27',
  promtool: 'promtool checks and unit-tests the alert rules; on Debian/Ubuntu: apt-get install prometheus (ships /usr/bin/promtool)',
};

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [key: string]: unknown;
}

/** `kubectl kustomize DIR`, parsed. Throws with kubectl's stderr when rendering fails. */
/** Every kustomization, rendered. */
export function renderAll(kubectl: string): Record<KustomizationName, K8sObject[]> {
  return Object.fromEntries(KUSTOMIZATIONS.map((name) => [name, render(kubectl, name)])) as Record<KustomizationName, K8sObject[]>;
}

export function render(kubectl: string, name: KustomizationName): K8sObject[] {
  const dir = path.join(KUBERNETES_DIR, name);
  const res = spawnSync(kubectl, ['kustomize', dir], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (res.error) throw res.error;
  if (res.status !== 0) throw new Error(`kubectl kustomize ${dir} exited ${res.status}: ${res.stderr}`);
  return parseAllDocuments(res.stdout)
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`rendered YAML of ${name}: ${doc.errors[0]!.message}`);
      return doc.toJS() as K8sObject | null;
    })
    .filter((o): o is K8sObject => o !== null);
}

export function objectId(o: K8sObject): string {
  return `${o.apiVersion} ${o.kind} ${o.metadata.namespace ?? '-'}/${o.metadata.name}`;
}

interface ModelClass {
  apiVersion: string;
  kind: string;
  new (data: unknown): { validate(): void };
}

function isModelClass(v: unknown): v is ModelClass {
  if (typeof v !== 'function') return false;
  const c = v as unknown as Record<string, unknown>;
  return typeof c.apiVersion === 'string' && typeof c.kind === 'string';
}

const MODELS = new Map<string, ModelClass>();
for (const mod of [coreV1, appsV1, policyV1, certManagerV1, monitoringV1] as Record<string, unknown>[]) {
  for (const v of Object.values(mod)) {
    if (isModelClass(v)) MODELS.set(`${v.apiVersion}/${v.kind}`, v);
  }
}

/** Validates one object against its kubernetes-models JSON schema; throws on violations or an unknown kind. */
export function validateObject(o: K8sObject): void {
  const model = MODELS.get(`${o.apiVersion}/${o.kind}`);
  if (!model) throw new Error(`no schema for ${o.apiVersion} ${o.kind}: add its model package to test/helpers/deploy-manifests.ts`);
  new model(o).validate();
}

export function find<T = K8sObject>(objects: K8sObject[], kind: string, name?: string): T[] {
  return objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name)) as T[];
}

/** Runs a command to completion; returns status and output (never throws for a non-zero exit). */
export function run(cmd: string, args: string[], opts: { cwd?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}) {
  const res = spawnSync(cmd, args, {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 120_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: res.status, signal: res.signal, stdout: res.stdout ?? '', stderr: res.stderr ?? '', error: res.error };
}

/** A Deployment's or StatefulSet's pod template; undefined for other kinds. */
export function podTemplateOf(o: K8sObject): IPodTemplateSpec | undefined {
  if (o.kind !== 'Deployment' && o.kind !== 'StatefulSet') return undefined;
  return (o as unknown as { spec: { template: IPodTemplateSpec } }).spec.template;
}

/** The workloads whose pods run rechain (a container named `rechain`), with that container. */
export function rechainWorkloads(objects: K8sObject[]): { workload: K8sObject; template: IPodTemplateSpec; pod: IPodSpec; container: IContainer }[] {
  const found = [];
  for (const workload of objects) {
    const template = podTemplateOf(workload);
    const container = template?.spec?.containers.find((c) => c.name === 'rechain');
    if (template?.spec && container) found.push({ workload, template, pod: template.spec, container });
  }
  return found;
}

/** Whether a label selector (matchLabels only, as these manifests use) selects the labels. */
export function selects(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  if (!selector || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

/** The rendered ConfigMap a volume names: kustomize may have appended a hash suffix. */
export function configMapNamed(objects: K8sObject[], name: string): IConfigMap | undefined {
  return find<IConfigMap>(objects, 'ConfigMap').find((c) => c.metadata?.name === name);
}

/** Port number of a container port given by number or by name. */
export function resolvePort(container: IContainer, port: number | string | undefined): number | undefined {
  if (typeof port === 'number') return port;
  return container.ports?.find((p) => p.name === port)?.containerPort;
}
