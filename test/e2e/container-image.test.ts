// The container image without a container engine: the test reads the Dockerfile and replays its
// stages into a temporary root: the build context .dockerignore leaves, the build stage's
// `npm run build` (its `npm ci` is the repository's installed node_modules, same lockfile), then
// the runtime stage's COPY and RUN lines as written (`npm ci --omit=dev --ignore-scripts` for
// real; chmod and ln inside the temporary root; apt-get and cache cleanup skipped, they touch
// only the OS). It then runs the ENTRYPOINT with the CMD, `rechain --help`, through the same
// symlink the image uses, so a broken COPY, a missing runtime dependency or a dev dependency
// imported at runtime fails here. The HEALTHCHECK command is run against a local HTTP server.
// Building the real image: container-image-podman.test.ts.
import t, { type Test } from 'tap';
import { execFile } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { copyContext, DockerIgnore, execForm, parseCopy, readDockerfile, type Stage } from '../helpers/dockerfile.js';
import { REPO_ROOT, run } from '../helpers/deploy-manifests.js';

const DOCKERFILE = path.join(REPO_ROOT, 'Dockerfile');
const stages = readDockerfile(DOCKERFILE);
const build = stages.find((s) => s.name === 'build');
const runtime = stages.at(-1)!;
const all = (stage: Stage | undefined, keyword: string) => stage?.instructions.filter((i) => i.keyword === keyword) ?? [];
const last = (stage: Stage | undefined, keyword: string) => all(stage, keyword).at(-1)?.args;
/** The image's PATH (node images): where ENTRYPOINT ["rechain"] is looked up. */
const IMAGE_PATH = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

t.test('the Dockerfile: build and runtime stages on node:20-bookworm-slim, non-root, rechain --help', async (t) => {
  t.ok(build, 'a stage named build');
  t.not(runtime, build, 'the last stage is the runtime stage');
  for (const stage of stages) t.equal(stage.image, 'node:20-bookworm-slim', `stage ${stage.name} is based on node:20-bookworm-slim`);
  const buildRuns = all(build, 'RUN').map((i) => i.args);
  t.ok(buildRuns.some((r) => /^npm ci\b/.test(r)), 'build: npm ci (dev dependencies)');
  t.ok(buildRuns.includes('npm run build'), 'build: npm run build');
  t.ok(
    all(runtime, 'RUN').some((i) => i.args.includes('npm ci --omit=dev --ignore-scripts')),
    'runtime: npm ci --omit=dev --ignore-scripts',
  );
  const froms = all(runtime, 'COPY').map((i) => parseCopy(i.args)).filter((c) => c.from === 'build');
  t.same(froms.flatMap((c) => c.sources).sort(), ['/src/config', '/src/dist'], 'runtime copies dist/ and config/ from the build stage');
  t.match(last(runtime, 'USER'), /^[1-9]\d*(:\d+)?$/, 'USER is a numeric non-root uid (Kubernetes can verify runAsNonRoot)');
  t.same(execForm(last(runtime, 'ENTRYPOINT') ?? ''), ['rechain'], 'ENTRYPOINT ["rechain"]');
  t.same(execForm(last(runtime, 'CMD') ?? ''), ['--help'], 'CMD ["--help"]');
  t.match(last(runtime, 'HEALTHCHECK'), /\/healthz/, 'HEALTHCHECK asks /healthz');
  t.ok(all(runtime, 'EXPOSE').some((i) => i.args.split(' ').includes('9090')), 'EXPOSE 9090 (admin)');
  const labels = all(runtime, 'LABEL').map((i) => i.args).join(' ');
  for (const key of ['title', 'description', 'licenses', 'version', 'revision', 'created', 'source']) {
    t.match(labels, `org.opencontainers.image.${key}=`, `OCI label org.opencontainers.image.${key}`);
  }
});

t.test('.dockerignore keeps secrets and local state out of the build context', async (t) => {
  const ignore = new DockerIgnore(readFileSync(path.join(REPO_ROOT, '.dockerignore'), 'utf8'));
  for (const p of ['node_modules/tap/package.json', 'dist/src/cli/main.js', '.git/config', 'test/unit/der.test.ts', 'key.pem', '.env']) {
    t.ok(ignore.excludes(p), `${p} stays out`);
  }
  for (const p of ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'src/cli/main.ts', 'config/rechain.schema.json']) {
    t.notOk(ignore.excludes(p), `${p} is sent`);
  }
});

t.test('replaying the build and runtime stages yields a working `rechain --help`', async (t) => {
  const tmp = mkdtempSync(path.join(tmpdir(), 'rechain-image-'));
  t.teardown(() => rmSync(tmp, { recursive: true, force: true }));
  const context = path.join(tmp, 'context');
  const files = copyContext(REPO_ROOT, new DockerIgnore(readFileSync(path.join(REPO_ROOT, '.dockerignore'), 'utf8')), context);
  t.ok(files.includes('package-lock.json'), `the build context holds ${files.length} files, the lockfile among them`);

  const roots = { build: path.join(tmp, 'build-root'), runtime: path.join(tmp, 'runtime-root') };
  const buildOk = replayStage(t, build!, roots.build, context, roots);
  if (!buildOk) return;
  t.ok(existsSync(path.join(roots.build, 'src/dist/src/cli/main.js')), 'the build stage produced dist/src/cli/main.js (package.json bin)');
  const env = replayStage(t, runtime, roots.runtime, context, roots);
  if (!env) return;

  const [command, ...entryArgs] = execForm(last(runtime, 'ENTRYPOINT') ?? '');
  const args = [...entryArgs, ...execForm(last(runtime, 'CMD') ?? '')];
  const binary = IMAGE_PATH.map((dir) => path.join(roots.runtime, dir, command!)).find((p) => existsSync(p));
  t.ok(binary, `ENTRYPOINT ${command} resolves on the image PATH`);
  if (!binary) return;
  const workdir = path.join(roots.runtime, last(runtime, 'WORKDIR') ?? '/');
  const res = run(binary, args, { cwd: workdir, env: { ...env, PATH: process.env.PATH } });
  t.equal(res.status, 0, `${command} ${args.join(' ')} exits 0`, { stdout: res.stdout, stderr: res.stderr, error: res.error });
  t.match(res.stdout + res.stderr, /serve/, 'the usage names `serve`');
});

t.test('the HEALTHCHECK command is healthy on 200 from /healthz and unhealthy otherwise', async (t) => {
  const form = execForm(last(runtime, 'HEALTHCHECK') ?? '');
  t.equal(form[0], 'node', 'the check runs node (no curl in the slim image)');
  const script = form[form.indexOf('-e') + 1] ?? '';
  t.match(script, 'http://127.0.0.1:9090/healthz', 'it asks the admin port on loopback');

  const answer = async (status: number) => {
    const server = createServer((req, res) => {
      res.statusCode = req.url === '/healthz' ? status : 404;
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      return await healthcheck(script, (server.address() as AddressInfo).port);
    } finally {
      await close(server);
    }
  };
  t.equal(await answer(200), 0, '200 -> healthy (exit 0)');
  t.equal(await answer(503), 1, '503 -> unhealthy (exit 1)');
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as AddressInfo).port;
  await close(closed);
  t.equal(await healthcheck(script, port), 1, 'nothing listening -> unhealthy (exit 1)');
});

/**
 * Replays one stage into `root` (its filesystem). Returns the stage's environment, or undefined
 * after reporting a failure. A RUN step the replay does not know fails the test, so the test
 * keeps following the Dockerfile.
 */
function replayStage(
  t: Test,
  stage: Stage,
  root: string,
  context: string,
  roots: Record<string, string>,
): NodeJS.ProcessEnv | undefined {
  const env: NodeJS.ProcessEnv = { ...process.env };
  let workdir = '/';
  const inRoot = (p: string, base = root) => path.join(base, path.posix.resolve(workdir, p));
  for (const { keyword, args, line } of stage.instructions) {
    const where = `Dockerfile:${line} (${stage.name})`;
    if (keyword === 'WORKDIR') {
      workdir = path.posix.resolve(workdir, args);
      mkdirSync(inRoot('.'), { recursive: true });
    } else if (keyword === 'ENV') {
      for (const [, k, v] of args.matchAll(/(\w+)=("[^"]*"|\S+)/g)) env[k!] = v!.replace(/^"|"$/g, '');
    } else if (keyword === 'COPY') {
      const copy = parseCopy(args);
      const from = copy.from === undefined ? context : roots[copy.from];
      if (!from) return void t.fail(`${where}: COPY --from=${copy.from}: unknown stage`);
      const dest = inRoot(copy.dest);
      for (const source of copy.sources) {
        const src = copy.from === undefined ? path.join(context, source) : path.join(from, source);
        if (!existsSync(src)) return void t.fail(`${where}: COPY ${args}: ${source} does not exist`);
        const target = copy.sources.length > 1 || copy.dest.endsWith('/') ? path.join(dest, path.basename(src)) : dest;
        cpSync(src, source === '.' ? dest : target, { recursive: true });
      }
    } else if (keyword === 'RUN') {
      for (const command of args.split(/\s*&&\s*/)) {
        const problem = runStep(t, stage, command, { root, cwd: inRoot('.'), env });
        if (problem) return void t.fail(`${where}: ${command}: ${problem}`);
      }
    }
  }
  return env;
}

/** One shell command of a RUN line, emulated or run; returns a problem, or undefined. */
function runStep(t: Test, stage: Stage, command: string, at: { root: string; cwd: string; env: NodeJS.ProcessEnv }): string | undefined {
  const words = command.split(' ');
  const toRoot = (p: string) => path.join(at.root, path.posix.resolve('/', p));
  if (/^npm ci\b/.test(command) && stage.name === 'build') {
    // Dev dependencies: the repository's node_modules, installed from the same lockfile.
    symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(at.cwd, 'node_modules'), 'dir');
    return undefined;
  }
  if (/^npm (ci|run) /.test(command)) {
    const res = run('npm', words.slice(1), {
      cwd: at.cwd,
      env: { ...at.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' },
      timeoutMs: 300_000,
    });
    return res.status === 0 ? undefined : `exit ${res.status}\n${res.stdout}\n${res.stderr}`;
  }
  if (/^(apt-get|rm -rf \/var\/lib\/apt\/|rm -rf \/root\/\.npm)/.test(command)) {
    t.comment(`skipped (operating system only): ${command}`);
    return undefined;
  }
  if (words[0] === 'chmod' && words.length === 3) {
    const file = toRoot(words[2]!);
    if (!existsSync(file)) return `${words[2]} does not exist`;
    chmodSync(file, parseInt(words[1]!, 8));
    return undefined;
  }
  if (words[0] === 'ln' && words[1] === '-s' && words.length === 4) {
    mkdirSync(path.dirname(toRoot(words[3]!)), { recursive: true });
    symlinkSync(toRoot(words[2]!), toRoot(words[3]!));
    return undefined;
  }
  return 'the replay does not know this command: teach test/e2e/container-image.test.ts';
}

function healthcheck(script: string, port: number): Promise<number> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, ['-e', script.replace('127.0.0.1:9090', `127.0.0.1:${port}`)], { timeout: 10_000 });
    child.on('exit', (code) => resolve(code ?? -1));
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}
