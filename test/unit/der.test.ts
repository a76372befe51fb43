import t from 'tap';
import { oidToString, readTlv } from '../../src/pki/der.js';

t.test('oidToString decodes arcs, including the first-byte split and long arcs', async (t) => {
  t.equal(oidToString(Buffer.from('2a864886f70d010101', 'hex')), '1.2.840.113549.1.1.1');
  t.equal(oidToString(Buffer.from('551d13', 'hex')), '2.5.29.19');
  t.equal(oidToString(Buffer.from('2b0601050507030 1'.replace(/ /g, ''), 'hex')), '1.3.6.1.5.5.7.3.1');
});

t.test('readTlv refuses lengths that overrun the buffer', async (t) => {
  t.throws(() => readTlv(Buffer.from('3005020101', 'hex'), 0), { name: 'DerError' });
  const tlv = readTlv(Buffer.from('3003020101', 'hex'), 0);
  t.same(tlv, { tag: 0x30, start: 0, contentStart: 2, end: 5 });
});
