import t from 'tap';
import { parseDistrustEntry } from '../../src/trust/index.js';
import { ErrorCodes } from '../../src/errors.js';

const HEX = '96bcec06264976f37460779acf28c5a7cfe8a3c0aae11a8ffcee05c0bddf08c6';
const COLONS = HEX.toUpperCase().match(/../g)!.join(':');

t.test('accepts the ways people paste a SHA-256 and normalizes to lowercase hex', async (t) => {
  for (const text of [HEX, HEX.toUpperCase(), `sha256:${HEX}`, `SHA256:${COLONS}`, COLONS, `  ${HEX.match(/../g)!.join(' ')}\n`]) {
    t.equal(parseDistrustEntry(text), HEX, text);
  }
});

t.test('rejects anything else with E_CONFIG, a hint, and the field when given', async (t) => {
  t.throws(() => parseDistrustEntry('ISRG Root X1'), { code: ErrorCodes.CONFIG, message: /distrust entry "ISRG Root X1" is not a SHA-256 fingerprint: expected 64 hex digits/ });
  t.throws(() => parseDistrustEntry(HEX.slice(0, 40)), { message: /looks like a SHA-1 fingerprint/ });
  t.throws(() => parseDistrustEntry(`${HEX}00`), { code: ErrorCodes.CONFIG });
  t.throws(() => parseDistrustEntry(`sha1:${HEX}`), { code: ErrorCodes.CONFIG });
  t.throws(() => parseDistrustEntry(''), { code: ErrorCodes.CONFIG });
  t.throws(() => parseDistrustEntry('x'.repeat(500)), { message: /"x{100}\.\.\."/ });
  t.throws(() => parseDistrustEntry('nope', 'trust.distrust[2]'), { message: /"nope"/, field: 'trust.distrust[2]' });
});
