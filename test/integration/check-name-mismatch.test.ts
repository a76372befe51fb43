// A leaf that does not cover the name asked for: name_mismatch, and every client rejects it.
// Without --servername the host is the name (an IP address is checked against IP SANs).
import t from 'tap';
import { issue } from '../../src/pki/generate.js';
import { write } from '../helpers/pki-files.js';
import { checkJson, DAY, presentChain, problemCodes } from '../helpers/check-peers.js';

t.test('name mismatch: --servername, the host name, and an IP address', async (t) => {
  const now = Date.now();
  const validity = { notBefore: new Date(now - DAY), notAfter: new Date(now + 30 * DAY) };
  const root = await issue({ subject: 'Root', ca: true, ...validity });
  const leaf = await issue({ subject: 'leaf.test', issuer: root, names: ['leaf.test', '127.0.0.1'], ...validity });
  const rootFile = write(t.testdir(), 'root.pem', root.pem);
  const port = await presentChain(t, leaf, [leaf]);

  const other = await checkJson([`127.0.0.1:${port}`, '--servername', 'other.test', '--trust', rootFile]);
  t.equal(other.code, 1);
  t.same(problemCodes(other.view), ['name_mismatch']);
  t.match(other.view.problems[0], { certificate: /^leaf\.test /, value: 'other.test' });
  t.match(other.view.stores, [{ accepted: false, reasons: [{ reason: 'name_mismatch', value: 'other.test' }] }], 'clients reject it');

  const byHost = await checkJson([`localhost:${port}`, '--trust', rootFile]);
  t.equal(byHost.view.servername, 'localhost', 'the host is the SNI name');
  t.match(byHost.view.problems, [{ code: 'name_mismatch', value: 'localhost' }]);

  const byIp = await checkJson([`127.0.0.1:${port}`, '--trust', rootFile]);
  t.equal(byIp.view.servername, null, 'no SNI for an IP address');
  t.equal(byIp.code, 0, 'the leaf covers 127.0.0.1');
});
