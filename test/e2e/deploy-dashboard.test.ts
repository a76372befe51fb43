// The Grafana dashboard (deploy/kubernetes/monitoring/dashboards/rechain.json): it parses, every
// metric of DESIGN §7 appears in some panel query, every query is valid PromQL (promtool checks
// them as recording rules), variables are defined before use, panels do not overlap, and the
// monitoring kustomization ships the same JSON in a ConfigMap labelled for Grafana's sidecar.
import t from 'tap';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import type { IConfigMap } from 'kubernetes-models/v1';
import { DESIGN_METRICS, exportedMetrics, find, findTool, metricsIn, MONITORING_DIR, render, run, TOOL_HINTS } from '../helpers/deploy-manifests.js';

interface Target {
  expr?: string;
  datasource?: { type?: string; uid?: string };
}
interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { type?: string; uid?: string };
  targets?: Target[];
  panels?: Panel[];
}
interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: { name: string; type: string; query?: unknown }[] };
}

const DASHBOARD_FILE = path.join(MONITORING_DIR, 'dashboards/rechain.json');
const text = readFileSync(DASHBOARD_FILE, 'utf8');
let dashboard: Dashboard | undefined;
let parseError: unknown;
try {
  dashboard = JSON.parse(text) as Dashboard;
} catch (error) {
  parseError = error;
}

t.test('the dashboard JSON parses and has a stable uid and a title', async (t) => {
  t.equal(parseError, undefined, 'JSON.parse succeeds');
  t.match(dashboard, { uid: /^[a-z0-9-]+$/, title: String, panels: Array });
});

if (dashboard) {
  const d = dashboard;
  const panels = d.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
  const queryPanels = panels.filter((p) => p.type !== 'row');
  const exprs = queryPanels.flatMap((p) => (p.targets ?? []).map((target) => ({ panel: p.title, expr: target.expr ?? '' })));
  const variables = new Set(d.templating.list.map((v) => v.name));

  t.test('every DESIGN §7 metric appears in some panel query', async (t) => {
    for (const metric of DESIGN_METRICS) {
      const users = exprs.filter((e) => metricsIn(e.expr).has(metric)).map((e) => e.panel);
      t.ok(users.length > 0, `${metric}: ${[...new Set(users)].join(', ') || 'no panel'}`);
    }
  });

  t.test('queries use only metrics rechain exports, and defined variables', async (t) => {
    const known = await exportedMetrics();
    for (const { panel, expr } of exprs) {
      t.ok(expr.trim().length > 0, `${panel}: has a query`);
      for (const metric of metricsIn(expr)) t.ok(known.has(metric), `${panel}: rechain exports ${metric}`);
      for (const [, name] of expr.matchAll(/\$(\w+)/g)) {
        if (!name!.startsWith('__')) t.ok(variables.has(name!), `${panel}: $${name} is a dashboard variable`);
      }
    }
  });

  t.test('panels have unique ids, use the datasource variable and do not overlap', async (t) => {
    const ids = panels.map((p) => p.id);
    t.same(ids.filter((id, i) => ids.indexOf(id) !== i), [], 'unique panel ids');
    t.ok(variables.has('datasource'), 'a datasource variable exists');
    for (const p of queryPanels) {
      t.equal(p.datasource?.uid, '${datasource}', `${p.title}: panel datasource`);
      for (const target of p.targets ?? []) t.equal(target.datasource?.uid, '${datasource}', `${p.title}: target datasource`);
    }
    for (const [i, a] of panels.entries()) {
      for (const b of panels.slice(i + 1)) {
        const overlap =
          a.gridPos.x < b.gridPos.x + b.gridPos.w &&
          b.gridPos.x < a.gridPos.x + a.gridPos.w &&
          a.gridPos.y < b.gridPos.y + b.gridPos.h &&
          b.gridPos.y < a.gridPos.y + a.gridPos.h;
        if (overlap) t.fail(`panels "${a.title}" and "${b.title}" overlap`);
      }
      t.ok(a.gridPos.x + a.gridPos.w <= 24, `${a.title}: fits the 24-column grid`);
    }
  });

  const promtool = findTool('promtool');
  t.test('every panel query is valid PromQL (promtool check rules)', async (t) => {
    if (!promtool) return t.fail(`promtool is not on PATH: ${TOOL_HINTS.promtool}`);
    // Grafana variables -> values Prometheus accepts: a range for $__rate_interval, a regex for the rest.
    const concrete = (expr: string) => expr.replace(/\$__rate_interval/g, '5m').replace(/\$\w+/g, '.*');
    const rules = { groups: [{ name: 'dashboard', rules: exprs.map((e, i) => ({ record: `dashboard:query_${i}`, expr: concrete(e.expr) })) }] };
    const dir = mkdtempSync(path.join(tmpdir(), 'rechain-dashboard-'));
    try {
      const file = path.join(dir, 'dashboard.rules.yaml');
      writeFileSync(file, stringify(rules));
      const res = run(promtool, ['check', 'rules', file]);
      t.equal(res.status, 0, `promtool accepts all ${exprs.length} queries`, { output: res.stdout + res.stderr });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  const kubectl = findTool('kubectl');
  t.test('the monitoring kustomization ships the dashboard in a ConfigMap for the Grafana sidecar', async (t) => {
    if (!kubectl) return t.fail(`kubectl is not on PATH: ${TOOL_HINTS.kubectl}`);
    const carriers = find<IConfigMap>(render(kubectl, 'monitoring'), 'ConfigMap').filter((cm) => cm.data?.['rechain.json'] !== undefined);
    t.equal(carriers.length, 1, 'one ConfigMap carries rechain.json');
    const [cm] = carriers;
    t.equal(cm?.metadata?.labels?.grafana_dashboard, '1', 'labelled grafana_dashboard=1');
    t.equal(cm?.data?.['rechain.json'], text, 'with the file content, unchanged');
  });
}
