// trust.aia: an intermediate found nowhere but at the leaf's caIssuers URL is fetched and joins
// the pool; without aia the chain cannot be built. A URL that fails is a warning, not an error.
import t from 'tap';
import http from 'node:http';
import { parseConfig } from '../../src/config/index.js';
import { issue } from '../../src/pki/generate.js';
import { CachingSignatureVerifier } from '../../src/pki/signatures.js';
import { computeReports } from '../../src/tls/compute.js';
import { loadInputs } from '../../src/tls/inputs.js';
import { createAiaFetcher } from '../../src/trust/aia.js';
import { listen } from '../helpers/sockets.js';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

const DAY = 86_400_000;
const now = Date.now();
const valid = { notBefore: new Date(now - DAY), notAfter: new Date(now + 90 * DAY) };

t.test('a missing intermediate is fetched from caIssuers when aia is on', async (t) => {
  const dir = t.testdir();
  let fetches = 0;
  const root = await issue({ subject: 'AIA Root', ca: true, ...valid });
  const int = await issue({ subject: 'AIA Issuing CA', ca: true, issuer: root, ...valid });
  const server = http.createServer((req, res) => {
    fetches++;
    if (req.url === '/int.der') return res.end(int.certificate.der);
    res.statusCode = 404;
    res.end();
  });
  const port = await listen(t, server);
  const leaf = await issue({ subject: 'db', issuer: int, names: ['db.test'], caIssuers: [`http://127.0.0.1:${port}/int.der`], ...valid });
  const broken = await issue({ subject: 'db2', issuer: int, names: ['db.test'], caIssuers: [`http://127.0.0.1:${port}/missing.der`], ...valid });
  const file = (name: string, content: string) => {
    const f = path.join(dir, name);
    writeFileSync(f, content);
    return f;
  };
  const doc = (aia: boolean) => ({
    trust: { stores: [{ name: 's', sources: [file('root.pem', root.pem)] }], aia },
    certificates: [
      { name: 'db', cert: file('leaf.pem', leaf.pem) },
      { name: 'db2', cert: file('broken.pem', broken.pem) },
    ],
  });
  const fetcher = createAiaFetcher();
  const compute = async (aia: boolean) => {
    const config = parseConfig(doc(aia));
    const inputs = await loadInputs(config, { env: {}, keys: 'optional', aia: fetcher });
    return { inputs, reports: computeReports(inputs, config.trust, now, new CachingSignatureVerifier(), () => performance.now()) };
  };
  const without = await compute(false);
  t.notOk(without.reports.get('db')!.valid, 'without aia the intermediate is missing');
  t.equal(fetches, 0, 'and nothing is fetched');

  const withAia = await compute(true);
  t.ok(withAia.reports.get('db')!.valid, 'with aia the chain is complete');
  t.same(withAia.reports.get('db')!.served.map((c) => c.fingerprint), [leaf.certificate.fingerprint, int.certificate.fingerprint]);
  t.notOk(withAia.reports.get('db2')!.valid, 'a caIssuers URL that fails leaves the chain incomplete');
  t.match(withAia.inputs.warnings.map((w) => w.message).join('\n'), /AIA caIssuers fetch for db2 .* failed: HTTP 404/);

  const before = fetches;
  await compute(true);
  t.equal(fetches, before + 1, 'a fetched issuer is cached; only the failed URL is tried again');
});
