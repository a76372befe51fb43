// deploy/kubernetes/monitoring alerts: the rendered PrometheusRule passes `promtool check rules`
// and the unit tests in deploy/kubernetes/monitoring/tests (each alert fires on the series it is
// meant for and stays quiet on its near misses), carries the four alerts with summaries,
// descriptions and runbook links, and queries only the metric names of DESIGN §7.
import t from 'tap';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import type { IPrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { DESIGN_METRICS, exportedMetrics, find, findTool, metricsIn, MONITORING_DIR, render, run, TOOL_HINTS } from '../helpers/deploy-manifests.js';

/** Each alert and the metric it is about. */
const ALERTS: Record<string, string> = {
  ChainInvalid: 'rechain_chain_valid',
  ChainExpiringSoon: 'rechain_chain_expiry_timestamp_seconds',
  ClientsRejectingChain: 'rechain_handshake_failures_total',
  ReloadFailing: 'rechain_reloads_total',
};
/** The file name the unit tests' rule_files expects next to them. */
const RULES_FILE = 'rechain.rules.yaml';

const kubectl = findTool('kubectl');
const promtool = findTool('promtool');
if (!kubectl) t.fail(`kubectl is not on PATH: ${TOOL_HINTS.kubectl}`);
if (!promtool) t.fail(`promtool is not on PATH: ${TOOL_HINTS.promtool}`);

if (kubectl) {
  const [rule] = find<IPrometheusRule>(render(kubectl, 'monitoring'), 'PrometheusRule');
  const rules = rule?.spec.groups?.flatMap((g) => g.rules ?? []) ?? [];
  const alerts = new Map(rules.filter((r) => r.alert).map((r) => [r.alert!, r]));

  t.test('the PrometheusRule carries the four alerts, each about its metric', async (t) => {
    t.same([...alerts.keys()].sort(), Object.keys(ALERTS).sort());
    for (const [name, metric] of Object.entries(ALERTS)) {
      t.ok(metricsIn(String(alerts.get(name)?.expr ?? '')).has(metric), `${name} queries ${metric}`);
    }
  });

  t.test('every alert has a severity, a summary, a description and a runbook_url anchor', async (t) => {
    for (const [name, r] of alerts) {
      t.match(r.labels?.severity, /^(critical|warning)$/, `${name}: severity`);
      t.ok(r.annotations?.summary, `${name}: summary`);
      t.ok(r.annotations?.description, `${name}: description`);
      t.match(r.annotations?.runbook_url, new RegExp(`^https://.+/docs/runbook\\.md#${name.toLowerCase()}$`), `${name}: runbook_url`);
    }
  });

  t.test('rules query only metrics rechain exports', async (t) => {
    const known = await exportedMetrics();
    for (const metric of DESIGN_METRICS) t.ok(known.has(metric), `rechain exports ${metric}`);
    for (const r of rules) {
      for (const metric of metricsIn(String(r.expr))) t.ok(known.has(metric), `${r.alert ?? r.record}: ${metric}`);
    }
  });

  if (promtool && rule) {
    const dir = mkdtempSync(path.join(tmpdir(), 'rechain-rules-'));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(path.join(dir, RULES_FILE), stringify(rule.spec));
    const testsDir = path.join(MONITORING_DIR, 'tests');
    const testFiles = readdirSync(testsDir).filter((f) => f.endsWith('.test.yaml'));
    for (const f of testFiles) copyFileSync(path.join(testsDir, f), path.join(dir, f));

    t.test('promtool check rules accepts the rules', async (t) => {
      const res = run(promtool, ['check', 'rules', path.join(dir, RULES_FILE)]);
      t.equal(res.status, 0, 'promtool check rules exits 0', { output: res.stdout + res.stderr });
    });

    t.test('promtool test rules: each alert fires on its series and stays quiet otherwise', async (t) => {
      t.ok(testFiles.length > 0, `unit tests exist in ${path.relative(process.cwd(), testsDir)}`);
      const tested = new Set(testFiles.flatMap((f) => [...readFileSync(path.join(dir, f), 'utf8').matchAll(/alertname: (\w+)/g)].map((m) => m[1])));
      for (const name of Object.keys(ALERTS)) t.ok(tested.has(name), `${name} has unit tests`);
      const res = run(promtool, ['test', 'rules', ...testFiles], { cwd: dir });
      t.equal(res.status, 0, 'promtool test rules exits 0', { output: res.stdout + res.stderr });
    });
  }
}
