// deploy/kubernetes: every kustomization renders with `kubectl kustomize`, every rendered object
// validates against its Kubernetes or CRD schema (kubernetes-models), and the workloads keep the
// properties docs/deployment.md promises: directory mounts (no subPath) so `..data` swaps reach
// rechain, probes on the admin port, a locked-down security context, resources, and a
// Certificate that names every pod.
import t, { type Test } from 'tap';
import type { IDeployment, IStatefulSet } from 'kubernetes-models/apps/v1';
import type { IContainer, IPodSpec, IService } from 'kubernetes-models/v1';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1';
import type { ICertificate } from '@kubernetes-models/cert-manager/cert-manager.io/v1';
import type { IPodMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import {
  configMapNamed,
  find,
  findTool,
  KUSTOMIZATIONS,
  objectId,
  rechainWorkloads,
  renderAll,
  resolvePort,
  selects,
  TOOL_HINTS,
  validateObject,
  type K8sObject,
} from '../helpers/deploy-manifests.js';

const kubectl = findTool('kubectl');
if (!kubectl) {
  t.fail(`kubectl is not on PATH: ${TOOL_HINTS.kubectl}`);
} else {
  const rendered = renderAll(kubectl);

  t.test('every kustomization renders, and every object validates against its schema', async (t) => {
    for (const name of KUSTOMIZATIONS) {
      const objects = rendered[name];
      t.ok(objects.length > 0, `${name} renders objects`);
      for (const o of objects) {
        t.doesNotThrow(() => validateObject(o), `${name}: ${objectId(o)} is valid`);
        t.equal(o.metadata.labels?.['app.kubernetes.io/part-of'], 'rechain', `${name}: ${objectId(o)} is labelled part-of=rechain`);
      }
      const ids = objects.map(objectId);
      t.same(ids.filter((id, i) => ids.indexOf(id) !== i), [], `${name}: no object is rendered twice`);
    }
  });

  t.test('overlays and monitoring set their namespace on every object', async (t) => {
    const expected = { sidecar: 'redis', ingress: 'redis', monitoring: 'monitoring' } as const;
    for (const [name, namespace] of Object.entries(expected) as [keyof typeof expected, string][]) {
      for (const o of rendered[name]) t.equal(o.metadata.namespace, namespace, `${name}: ${objectId(o)}`);
    }
  });

  t.test('sidecar: a 3-replica redis StatefulSet with rechain in every pod, peers and clients Services', async (t) => {
    const objects = rendered.sidecar;
    const [sts] = find<IStatefulSet>(objects, 'StatefulSet');
    t.ok(sts, 'a StatefulSet is rendered');
    if (!sts?.spec) return;
    t.equal(sts.spec.replicas, 3, '3 replicas');
    const podLabels = sts.spec.template.metadata?.labels;
    const workload = checkWorkload(t, objects, sts.spec);
    if (!workload) return;
    const { pod, container } = workload;

    const redis = pod.containers.find((c) => c.name === 'redis');
    t.match(redis?.image ?? '', /^redis:7(\.|$)/, 'the database is redis 7');
    const bind = redis?.args?.indexOf('--bind') ?? -1;
    t.equal(redis?.args?.[bind + 1], '127.0.0.1', 'redis listens on loopback only: rechain is the way in');
    t.notOk(redis?.ports?.length, 'redis publishes no container port');
    if (redis) checkHardened(t, pod, redis);

    const services = find<IService>(objects, 'Service');
    const headless = services.find((s) => s.metadata?.name === sts.spec!.serviceName);
    t.equal(headless?.spec?.clusterIP, 'None', `serviceName ${sts.spec.serviceName} is a headless Service`);
    t.ok(
      services.some((s) => s !== headless && s.spec?.clusterIP !== 'None'),
      'a client Service with a cluster IP exists',
    );
    for (const svc of services) {
      t.ok(selects(svc.spec?.selector, podLabels), `Service ${svc.metadata?.name} selects the redis pods`);
      for (const port of svc.spec?.ports ?? []) {
        t.ok(resolvePort(container, port.targetPort), `Service ${svc.metadata?.name} port ${port.port} targets a rechain port`);
      }
    }

    const [certificate] = find<ICertificate>(objects, 'Certificate');
    t.ok(certificate, 'a cert-manager Certificate is rendered');
    const names = certificate?.spec.dnsNames ?? [];
    const ns = sts.metadata?.namespace;
    for (let i = 0; i < sts.spec.replicas!; i++) {
      const peer = `${sts.metadata?.name}-${i}.${sts.spec.serviceName}.${ns}.svc.cluster.local`;
      t.ok(names.includes(peer), `the Certificate names pod ${i}: ${peer}`);
    }
    for (const svc of services.filter((s) => s !== headless)) {
      const fqdn = `${svc.metadata?.name}.${ns}.svc.cluster.local`;
      t.ok(names.includes(fqdn), `the Certificate names the client Service: ${fqdn}`);
    }
  });

  t.test('ingress: a Deployment of 2+ spread replicas, a LoadBalancer Service and a PodDisruptionBudget', async (t) => {
    const objects = rendered.ingress;
    const [deployment] = find<IDeployment>(objects, 'Deployment');
    t.ok(deployment, 'a Deployment is rendered');
    if (!deployment?.spec) return;
    t.ok((deployment.spec.replicas ?? 1) >= 2, 'at least 2 replicas');
    const podLabels = deployment.spec.template.metadata?.labels;
    const workload = checkWorkload(t, objects, deployment.spec);
    if (!workload) return;
    const { pod, container } = workload;

    const anti = pod.affinity?.podAntiAffinity;
    const terms = [
      ...(anti?.requiredDuringSchedulingIgnoredDuringExecution ?? []),
      ...(anti?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((w) => w.podAffinityTerm),
    ];
    t.ok(
      terms.some((term) => term.topologyKey === 'kubernetes.io/hostname' && selects(term.labelSelector?.matchLabels, podLabels)),
      'pod anti-affinity spreads the replicas over nodes',
    );

    const lb = find<IService>(objects, 'Service').find((s) => s.spec?.type === 'LoadBalancer');
    t.ok(lb, 'a Service of type LoadBalancer is rendered');
    t.ok(selects(lb?.spec?.selector, podLabels), 'it selects the rechain pods');
    for (const port of lb?.spec?.ports ?? []) {
      t.ok(resolvePort(container, port.targetPort), `LoadBalancer port ${port.port} targets a rechain port`);
    }

    const [pdb] = find<IPodDisruptionBudget>(objects, 'PodDisruptionBudget');
    t.ok(pdb, 'a PodDisruptionBudget is rendered');
    t.ok(selects(pdb?.spec?.selector?.matchLabels, podLabels), 'it selects the rechain pods');
    const keeps =
      pdb?.spec?.maxUnavailable !== undefined
        ? deployment.spec.replicas! - Number(pdb.spec.maxUnavailable)
        : Number(pdb?.spec?.minAvailable ?? 0);
    t.ok(keeps >= 1 && keeps < deployment.spec.replicas!, `it keeps ${keeps} of ${deployment.spec.replicas} pods and still allows a drain`);
  });

  t.test('monitoring: the PodMonitor scrapes the admin port of every rechain pod', async (t) => {
    const [monitor] = find<IPodMonitor>(rendered.monitoring, 'PodMonitor');
    t.ok(monitor, 'a PodMonitor is rendered');
    if (!monitor) return;
    t.ok(monitor.spec.namespaceSelector?.any === true, 'in every namespace');
    for (const overlay of ['sidecar', 'ingress'] as const) {
      for (const { workload, template, container } of rechainWorkloads(rendered[overlay])) {
        t.ok(selects(monitor.spec.selector.matchLabels, template.metadata?.labels), `it selects the pods of ${overlay} ${workload.kind}`);
        for (const endpoint of monitor.spec.podMetricsEndpoints ?? []) {
          t.equal(resolvePort(container, endpoint.port), 9090, `endpoint port ${endpoint.port} is rechain's admin port in ${overlay}`);
          t.equal(endpoint.path ?? '/metrics', '/metrics', 'path /metrics');
        }
      }
    }
    t.equal(find(rendered.monitoring, 'PrometheusRule').length, 1, 'a PrometheusRule is rendered');
  });
}

/** The pod-level promises for a pod running rechain. */
function checkRechainPod(t: Test, objects: K8sObject[], pod: IPodSpec, container: IContainer): void {
  checkHardened(t, pod, container);
  t.equal(pod.automountServiceAccountToken, false, 'no service account token is mounted');
  t.ok(find(objects, 'ServiceAccount', pod.serviceAccountName).length === 1, `ServiceAccount ${pod.serviceAccountName} is rendered`);

  const admin = container.ports?.find((p) => p.name === 'rechain-admin');
  t.equal(admin?.containerPort, 9090, 'admin port 9090 is named rechain-admin');
  t.match(container.readinessProbe?.httpGet, { path: '/readyz' }, 'readiness on /readyz');
  t.match(container.livenessProbe?.httpGet, { path: '/healthz' }, 'liveness on /healthz');
  for (const probe of [container.readinessProbe, container.livenessProbe, container.startupProbe]) {
    if (probe?.httpGet) t.equal(resolvePort(container, probe.httpGet.port), 9090, `probe ${probe.httpGet.path} uses the admin port`);
  }
  for (const kind of ['requests', 'limits'] as const) {
    t.ok(container.resources?.[kind]?.cpu && container.resources[kind]?.memory, `cpu and memory ${kind} are set`);
  }

  const volumes = new Map((pod.volumes ?? []).map((v) => [v.name, v]));
  for (const mount of container.volumeMounts ?? []) {
    t.notOk(mount.subPath ?? mount.subPathExpr, `${mount.mountPath} is a directory mount, not subPath (..data swaps must reach rechain)`);
    const volume = volumes.get(mount.name);
    t.ok(volume, `volume ${mount.name} exists`);
    if (mount.mountPath === '/tmp') {
      t.ok(volume?.emptyDir, '/tmp is an emptyDir (the root filesystem is read-only)');
      continue;
    }
    t.equal(mount.readOnly, true, `${mount.mountPath} is mounted read-only`);
    if (volume?.configMap) t.ok(configMapNamed(objects, volume.configMap.name!), `ConfigMap ${volume.configMap.name} is rendered`);
    if (volume?.secret) {
      const issued = find<ICertificate>(objects, 'Certificate').some((c) => c.spec.secretName === volume.secret!.secretName);
      t.ok(issued, `Secret ${volume.secret.secretName} is written by a rendered cert-manager Certificate`);
    }
  }
  t.ok((container.volumeMounts ?? []).some((m) => m.mountPath === '/etc/rechain'), 'the config directory /etc/rechain is mounted');
  t.ok(
    (container.volumeMounts ?? []).some((m) => volumes.get(m.name)?.secret),
    'the certificate Secret is mounted as a directory',
  );
}

/** runAsNonRoot, read-only root, no privilege escalation, no capabilities, seccomp RuntimeDefault. */
function checkHardened(t: Test, pod: IPodSpec, container: IContainer): void {
  const sc = container.securityContext ?? {};
  const name = container.name;
  t.ok(sc.runAsNonRoot ?? pod.securityContext?.runAsNonRoot, `${name}: runAsNonRoot`);
  const uid = sc.runAsUser ?? pod.securityContext?.runAsUser;
  t.ok(uid !== undefined && uid > 0, `${name}: runs as a numeric non-root uid (${uid})`);
  t.equal(sc.readOnlyRootFilesystem, true, `${name}: readOnlyRootFilesystem`);
  t.equal(sc.allowPrivilegeEscalation, false, `${name}: allowPrivilegeEscalation false`);
  t.same(sc.capabilities?.drop, ['ALL'], `${name}: all capabilities dropped`);
  t.notOk(sc.capabilities?.add?.length, `${name}: no capability added`);
  const seccomp = sc.seccompProfile?.type ?? pod.securityContext?.seccompProfile?.type;
  t.equal(seccomp, 'RuntimeDefault', `${name}: seccomp RuntimeDefault`);
}

/** The workload selects its pods, which run `rechain serve --config` with a hardened container. */
function checkWorkload(t: Test, objects: K8sObject[], spec: { selector: { matchLabels?: Record<string, string> }; template: { metadata?: { labels?: Record<string, string> } } }) {
  t.ok(selects(spec.selector.matchLabels, spec.template.metadata?.labels), 'the selector matches the pod template');
  const [workload] = rechainWorkloads(objects);
  t.ok(workload, 'the pods run a container named rechain');
  if (!workload) return undefined;
  t.same(workload.container.args, ['serve', '--config', '/etc/rechain/rechain.yaml'], 'rechain serve --config /etc/rechain/rechain.yaml');
  checkRechainPod(t, objects, workload.pod, workload.container);
  return workload;
}
