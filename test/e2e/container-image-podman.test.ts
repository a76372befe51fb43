// The real image, where podman is installed: `podman build` of the repository's Dockerfile, then
// `rechain --help` (the default CMD) in a container with a read-only root filesystem, as the
// non-root user the image declares, plus the metadata Kubernetes and Docker read (user,
// healthcheck, OCI labels). Without podman the test says so and is skipped; the Dockerfile is
// still exercised by container-image.test.ts.
//
// Behind a TLS-intercepting proxy, NODE_EXTRA_CA_CERTS (if set here) is handed to the build's
// RUN steps through the Dockerfile's NODE_EXTRA_CA_CERTS build argument and a read-only mount.
import t from 'tap';
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { findTool, REPO_ROOT, run } from '../helpers/deploy-manifests.js';

const podman = findTool('podman');

interface ImageInspect {
  Config?: { User?: string; Entrypoint?: string[]; Cmd?: string[]; Labels?: Record<string, string> };
  Healthcheck?: { Test?: string[] };
}

if (!podman) {
  t.test('podman builds the image and runs rechain --help in it', { skip: 'podman is not installed (apt-get install podman)' }, async () => {});
} else {
  const image = `localhost/rechain-test:${randomBytes(4).toString('hex')}`;
  t.teardown(() => void run(podman, ['rmi', '--force', image]));

  t.test('podman builds the image and runs rechain --help in it', async (t) => {
    const extraCa = process.env.NODE_EXTRA_CA_CERTS;
    const caArgs =
      extraCa && existsSync(extraCa)
        ? ['--volume', `${extraCa}:/run/build-ca.crt:ro`, '--build-arg', 'NODE_EXTRA_CA_CERTS=/run/build-ca.crt']
        : [];
    // docker format: the OCI image format has no HEALTHCHECK.
    const built = run(podman, ['build', '--format', 'docker', ...caArgs, '--tag', image, REPO_ROOT], { timeoutMs: 540_000 });
    t.equal(built.status, 0, 'podman build exits 0', { output: built.stderr.slice(-4000) + built.stdout.slice(-4000), error: built.error });
    if (built.status !== 0) return;

    const inspected = run(podman, ['image', 'inspect', image]);
    const [info] = JSON.parse(inspected.stdout) as [ImageInspect];
    t.equal(info.Config?.User, '1000:1000', 'the image runs as 1000:1000');
    t.same(info.Config?.Entrypoint, ['rechain'], 'ENTRYPOINT rechain');
    t.same(info.Config?.Cmd, ['--help'], 'CMD --help');
    t.match(info.Healthcheck?.Test?.join(' '), /\/healthz/, 'the healthcheck asks /healthz');
    t.equal(info.Config?.Labels?.['org.opencontainers.image.title'], 'rechain', 'OCI title label');

    const help = run(podman, ['run', '--rm', '--read-only', '--tmpfs', '/tmp', image], { timeoutMs: 60_000 });
    t.equal(help.status, 0, 'rechain --help exits 0 on a read-only root filesystem', { stdout: help.stdout, stderr: help.stderr });
    t.match(help.stdout + help.stderr, /serve/, 'the usage names `serve`');

    const id = run(podman, ['run', '--rm', '--entrypoint', 'id', image, '-u'], { timeoutMs: 60_000 });
    t.equal(id.stdout.trim(), '1000', 'the container process is uid 1000');
  });
}
