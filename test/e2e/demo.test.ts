// `rechain demo` (npm start): it prints commands that succeed and commands that fail; run each
// exactly as printed and check it does what the demo says. Then stop it and check it cleaned up.
import t from 'tap';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { nodeArgs, REPO } from '../helpers/rechain-process.js';

function sh(command: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile('sh', ['-c', command], { timeout: 20_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, output: stdout + stderr }),
    );
  });
}

t.test('the demo shows the incident and its fix, with commands that do what it says', async (t) => {
  const child = spawn(process.execPath, nodeArgs(['demo']), { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  t.teardown(() => {
    child.kill('SIGINT');
  });
  let out = '';
  child.stdout.setEncoding('utf8');
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
      if (out.includes('Press Ctrl-C to stop')) resolve();
    });
    child.once('exit', () => reject(new Error(`demo exited early: ${out}`)));
  });

  t.match(out, /the node as it was .* serves .*R3 \(issued by DST Root CA X3\)/, 'shows the stale chain');
  t.match(out, /rechain in front .* serves .*R3 \(issued by ISRG Root X1\)/, 'shows the computed chain');
  t.match(out, /chosen: #1 .* -> \[ISRG Root X1/, 'explains the choice');

  const [succeedPart, failPart] = out.split('These fail');
  const commands = (text: string | undefined) => [...(text ?? '').matchAll(/^ {2}\$ (.+)$/gm)].map((m) => m[1]!);
  const succeed = commands(succeedPart);
  const fail = commands(failPart);
  t.equal(succeed.length, 2, 'two commands that succeed');
  t.equal(fail.length, 2, 'two commands that fail');
  for (const command of succeed) {
    const r = await sh(command);
    t.equal(r.code, 0, `succeeds: ${command}\n${r.output}`);
  }
  for (const command of fail) {
    const r = await sh(command);
    t.not(r.code, 0, `fails: ${command}`);
    t.match(r.output, /unable to get local issuer certificate/i, 'the way clients failed in 2021');
  }

  const dir = /Press Ctrl-C to stop; (\S+) is removed then\./.exec(out)?.[1];
  t.ok(dir && existsSync(dir), 'the demo works in a temporary directory');
  child.kill('SIGINT');
  const code = await new Promise((resolve) => child.once('exit', resolve));
  t.equal(code, 0, 'Ctrl-C stops it cleanly');
  t.notOk(existsSync(dir!), 'and removes the temporary directory');
});
