// A peer that sends its intermediates out of order (leaf, I1, I2 where I2 signs the leaf).
// Path-building clients still accept it, but RFC 5246 requires the order and strict clients
// fail: check reports wrong_order, exits 1, and proposes leaf, I2, I1.
//
// It also pins why fetch-chain.ts reads the chain with getPeerX509Certificate(): Node's
// getPeerCertificate(true) links by issuer and loses the certificate that is out of place.
import t from 'tap';
import tls from 'node:tls';
import type { TLSSocket } from 'node:tls';
import { issue } from '../../src/pki/generate.js';
import { write } from '../helpers/pki-files.js';
import { checkJson, DAY, presentChain, problemCodes } from '../helpers/check-peers.js';

async function threeLevels() {
  const now = Date.now();
  const validity = { notBefore: new Date(now - DAY), notAfter: new Date(now + 30 * DAY) };
  const root = await issue({ subject: 'Root', ca: true, ...validity });
  const i1 = await issue({ subject: 'I1', issuer: root, ca: true, ...validity });
  const i2 = await issue({ subject: 'I2', issuer: i1, ca: true, ...validity });
  const leaf = await issue({ subject: 'leaf.test', issuer: i2, names: ['leaf.test'], ...validity });
  return { root, i1, i2, leaf };
}

function connect(port: number): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port, servername: 'leaf.test', rejectUnauthorized: false }, () => resolve(socket));
    socket.once('error', reject);
  });
}

t.test('wrong order: accepted by path-building clients, reported, exit 1, reordered proposal', async (t) => {
  const pki = await threeLevels();
  const root = write(t.testdir(), 'root.pem', pki.root.pem);
  const port = await presentChain(t, pki.leaf, [pki.leaf, pki.i1, pki.i2]);

  const { code, view } = await checkJson([`127.0.0.1:${port}`, '--servername', 'leaf.test', '--trust', root]);
  t.equal(code, 1);
  t.same(view.presented.map((c) => c.name), ['leaf.test', 'I1', 'I2'], 'the order as sent, not as linked');
  t.equal(view.stores[0]!.accepted, true, 'a client that builds paths accepts it');
  t.same(problemCodes(view), ['wrong_order']);
  t.match(view.problems[0], { certificate: /^I1 /, value: '2', blocking: true }, '#2 does not certify #1');
  t.match(view.proposal, { valid: true, changed: true });
  t.same(view.proposal.served.map((c) => c.name), ['leaf.test', 'I2', 'I1']);
});

t.test('Node 20: getPeerCertificate(true) loses the misplaced certificate; getPeerX509Certificate keeps the order', async (t) => {
  const pki = await threeLevels();
  const port = await presentChain(t, pki.leaf, [pki.leaf, pki.i1, pki.i2]);

  const linked = await connect(port);
  const names: string[] = [];
  for (let c = linked.getPeerCertificate(true); c && !names.includes(c.subject.CN as string); c = c.issuerCertificate) names.push(c.subject.CN as string);
  linked.destroy();
  t.same(names, ['leaf.test', 'I2'], 'linked by issuer: I1, sent second, is gone');

  const presented = await connect(port);
  const sent: string[] = [];
  for (let x = presented.getPeerX509Certificate(); x; x = x.issuerCertificate) sent.push(x.subject);
  presented.destroy();
  t.same(sent, ['CN=leaf.test', 'CN=I1', 'CN=I2'], 'as sent');
});
