#!/usr/bin/env node
// Runs the tap suite with the raw TAP reporter, passes its output through, and ends with one
// line that CI reads: "N passed, N failed", counted from the TAP stream itself. A test file or
// subtest that fails without a failing assertion (a crash, a timeout, a plan mismatch) counts
// as one failure. The whole suite must also keep its coverage at or above the thresholds below
// (tap 21 itself knows only 100% or nothing); a run below them counts as one more failure.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Parser } from 'tap-parser';

/** Deliberate floors, a little under what the suite reaches (lines 97.7, branches 89.8, functions 90.0). */
const COVERAGE_FLOORS = { lines: 95, branches: 85, functions: 85 };
const wholeSuite = process.argv.length === 2;

const args = ['tap', '--reporter=tap', '--coverage-report=text', '--coverage-report=json-summary', ...process.argv.slice(2)];
const child = spawn('npx', args, { stdio: ['ignore', 'pipe', 'inherit'] });

let passed = 0;
let failed = 0;

/** Track one parser; returns a getter for how many leaf failures it (recursively) saw. */
function watch(parser) {
  let leafFailures = 0;
  const children = [];
  parser.on('child', (sub) => children.push({ name: sub.name, failures: watch(sub) }));
  parser.on('assert', (res) => {
    const sub = children.find((c) => c.name === res.name && !c.done);
    if (sub) {
      sub.done = true;
      const inner = sub.failures();
      leafFailures += inner;
      if (!res.ok && !res.todo && !res.skip && inner === 0) {
        failed++;
        leafFailures++;
      }
      return;
    }
    if (res.skip || res.todo) return;
    if (res.ok) passed++;
    else {
      failed++;
      leafFailures++;
    }
  });
  return () => leafFailures;
}

const parser = new Parser();
watch(parser);
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  parser.write(chunk);
});
/** The metrics below their floor, from tap's json-summary report. */
function coverageShortfalls() {
  const total = JSON.parse(readFileSync('.tap/report/coverage-summary.json', 'utf8')).total;
  return Object.entries(COVERAGE_FLOORS)
    .filter(([metric, floor]) => total[metric].pct < floor)
    .map(([metric, floor]) => `${metric} ${total[metric].pct}% < ${floor}%`);
}

child.on('close', (code) => {
  parser.end();
  if (code !== 0 && failed === 0) failed = 1; // tap itself failed (config, crash)
  let exit = code ?? 1;
  if (wholeSuite && exit === 0) {
    const short = coverageShortfalls();
    if (short.length > 0) {
      console.log(`\ncoverage below its floor: ${short.join(', ')}`);
      failed++;
      exit = 1;
    }
  }
  console.log(`\n${passed} passed, ${failed} failed`);
  process.exit(exit);
});
