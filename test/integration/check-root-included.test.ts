// A peer that sends the root along (leaf, intermediate, root). Clients accept it, but the root
// only costs bytes on every handshake: root_included, exit 1, and the proposal drops it.
import t from 'tap';
import { makePki, writePki } from '../helpers/pki-files.js';
import { checkJson, presentChain, problemCodes } from '../helpers/check-peers.js';

t.test('root included: accepted, reported with its position, exit 1, the proposal leaves it out', async (t) => {
  const pki = await makePki();
  const files = writePki(t.testdir(), pki);
  const port = await presentChain(t, pki.leaf, [pki.leaf, pki.intermediate, pki.root]);

  const { code, view } = await checkJson([`127.0.0.1:${port}`, '--servername', 'leaf.test', '--trust', files.root]);
  t.equal(code, 1);
  t.equal(view.presented.length, 3, 'the root is seen as sent');
  t.equal(view.stores[0]!.accepted, true);
  t.same(problemCodes(view), ['root_included'], 'in order otherwise: the root certifies the intermediate');
  t.match(view.problems[0], { certificate: /^Test Root /, value: '3' });
  t.same(view.proposal.served.map((c) => c.name), ['leaf.test', 'Test Intermediate']);
});
