import t from 'tap';
import { chooseFormat } from '../../src/pki/load-format.js';

const hex = (h: string): Buffer => Buffer.from(h.replace(/ /g, ''), 'hex');

t.test('an explicit format beats the extension, which beats the content', async (t) => {
  const pem = Buffer.from('-----BEGIN CERTIFICATE-----\n');
  t.same(chooseFormat('x.p12', pem, 'der'), { format: 'der', by: 'option' });
  t.same(chooseFormat('X.PFX', pem), { format: 'pkcs12', by: 'extension' });
  t.same(chooseFormat('x.crt', pem), { format: 'pem', by: 'content' });
});

t.test('binary formats are told apart by the first field inside the outer SEQUENCE', async (t) => {
  // Short, long and indefinite (BER) lengths.
  t.same(chooseFormat('a', hex('30 03 30 01 00'))?.format, 'der');
  t.same(chooseFormat('a', hex('30 82 01 00 30 82'))?.format, 'der');
  t.same(chooseFormat('a', hex('30 80 02 01 03'))?.format, 'pkcs12');
  t.same(chooseFormat('a', hex('30 81 90 06 09 2a'))?.format, 'pkcs7');
});

t.test('anything else is no format', async (t) => {
  t.equal(chooseFormat('a.crt', hex('')), undefined);
  t.equal(chooseFormat('a.crt', hex('30')), undefined);
  t.equal(chooseFormat('a.crt', hex('30 03 04 01 00')), undefined);
  t.equal(chooseFormat('a.cer', Buffer.from('hello')), undefined);
});
