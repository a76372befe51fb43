#!/usr/bin/env node
// Runs the tap suite with the raw TAP reporter, passes its output through, and ends with one
// line that CI reads: "N passed, N failed", counted from the TAP stream itself. A test file or
// subtest that fails without a failing assertion (a crash, a timeout, a plan mismatch) counts
// as one failure.
import { spawn } from 'node:child_process';
import { Parser } from 'tap-parser';

const args = ['tap', '--reporter=tap', ...process.argv.slice(2)];
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
child.on('close', (code) => {
  parser.end();
  if (code !== 0 && failed === 0) failed = 1; // tap itself failed (config, coverage, crash)
  console.log(`\n${passed} passed, ${failed} failed`);
  process.exit(code ?? 1);
});
