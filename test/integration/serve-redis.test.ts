// TCP mode in front of a real database: redis-server on loopback in plaintext, rechain serving
// the 2021 stale bundle rewritten, and redis-cli --tls verifying the chain with only ISRG Root X1.
import t from 'tap';
import { closedPort } from '../helpers/sockets.js';
import { execFile, spawn } from 'node:child_process';
import { createIncidentPki, writeIncidentFiles } from '../../src/demo/incident-pki.js';
import { boundPorts, startRechain } from '../helpers/rechain-process.js';

function redisCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('redis-cli', args, { timeout: 15_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout: stdout.trim(), stderr: stderr.trim() }),
    );
  });
}

t.test('redis-cli --tls reaches redis-server through rechain in TCP mode', async (t) => {
  const dir = t.testdir();
  const files = await writeIncidentFiles(await createIncidentPki({ now: Date.now() }), dir);
  const redisPort = await closedPort();
  const redis = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
  t.teardown(() => {
    redis.kill('SIGTERM');
  });
  // Ready when it answers in plaintext.
  for (let i = 0; ; i++) {
    const ping = await redisCli(['-h', '127.0.0.1', '-p', String(redisPort), 'PING']);
    if (ping.stdout === 'PONG') break;
    if (i > 100) throw new Error(`redis-server did not start: ${ping.stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }

  const rechain = startRechain(['serve', '--listen', '127.0.0.1:0', '--backend', `127.0.0.1:${redisPort}`, '--cert', files.staleBundle, '--key', files.key, '--pool', files.pool, '--trust', files.trustNew]);
  t.teardown(() => rechain.stop());
  const port = (await boundPorts(rechain)).listeners.default!;

  const tls = ['--tls', '--cacert', files.trustNew, '--sni', 'db-a.cluster.test', '-h', '127.0.0.1', '-p', String(port)];
  const set = await redisCli([...tls, 'SET', 'rechain', 'computed-chain']);
  t.equal(set.stdout, 'OK', `SET over TLS: ${set.stderr}`);
  const get = await redisCli([...tls, 'GET', 'rechain']);
  t.equal(get.stdout, 'computed-chain', 'GET over TLS returns the value');
  const direct = await redisCli(['-h', '127.0.0.1', '-p', String(redisPort), 'GET', 'rechain']);
  t.equal(direct.stdout, 'computed-chain', 'the value reached the real redis-server');

  const stale = await redisCli(['--tls', '--cacert', files.trustOld, '--sni', 'db-a.cluster.test', '-h', '127.0.0.1', '-p', String(port), 'PING']);
  t.not(stale.stdout, 'PONG', 'a client trusting only the removed root does not get through');
  t.match(stale.stdout + stale.stderr, /certificate|verify|SSL/i, 'redis-cli reports the verification failure');
});
