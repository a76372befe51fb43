import t from 'tap';
import { addressesCollide, parseAddress } from '../../src/config/addresses.js';

const remote = { allowPortZero: false };
const listen = { allowPortZero: true };

t.test('parses IPv4, host names and bracketed IPv6', async (t) => {
  t.same(parseAddress('127.0.0.1:6379', remote), { address: { host: '127.0.0.1', port: 6379 } });
  t.same(parseAddress('DB.Internal:5432', remote), { address: { host: 'db.internal', port: 5432 } });
  t.same(parseAddress('redis_1:6379', remote), { address: { host: 'redis_1', port: 6379 } }, 'compose service names');
  t.same(parseAddress('[::1]:443', remote), { address: { host: '::1', port: 443 } });
  t.same(parseAddress('[::]:443', listen), { address: { host: '::', port: 443 } });
  t.same(parseAddress('[0:0:0:0:0:0:0:1]:443', remote), { address: { host: '::1', port: 443 } }, 'one spelling');
  t.same(parseAddress('[fe80::1%eth0]:80', remote), { address: { host: 'fe80::1%eth0', port: 80 } });
  t.same(parseAddress('127.0.0.1:0', listen), { address: { host: '127.0.0.1', port: 0 } });
});

t.test('explains bad addresses', async (t) => {
  const problem = (text: string, rules = remote) => {
    const result = parseAddress(text, rules);
    return 'problem' in result ? result.problem : 'no problem';
  };
  t.match(problem('::1:443'), /IPv6 address needs brackets/);
  t.match(problem('[::1]'), /no port|IPv6/);
  t.match(problem('[::g]:443'), /not an IPv6 address/);
  t.match(problem('127.0.0.1'), /has no port/);
  t.match(problem(':443'), /host is missing/);
  t.match(problem('host:'), /port must be a number from 1 to 65535/);
  t.match(problem('host:70000'), /from 1 to 65535/);
  t.match(problem('host:0'), /from 1 to 65535/, 'a backend has a real port');
  t.match(problem('host:-1', listen), /from 0 to 65535/);
  t.match(problem('10.0.0.300:80'), /neither a host name nor an IP/);
  t.match(problem('bad host:80'), /neither a host name nor an IP/);
  t.match(problem('-db:80'), /neither a host name nor an IP/);
});

t.test('listening addresses collide on the same port when one covers the other', async (t) => {
  const at = (host: string, port = 443) => ({ host, port });
  t.ok(addressesCollide(at('127.0.0.1'), at('127.0.0.1')));
  t.ok(addressesCollide(at('0.0.0.0'), at('127.0.0.1')));
  t.ok(addressesCollide(at('::'), at('0.0.0.0')), ':: is dual-stack');
  t.notOk(addressesCollide(at('127.0.0.1'), at('127.0.0.2')));
  t.notOk(addressesCollide(at('0.0.0.0'), at('::1')), 'different families');
  t.notOk(addressesCollide(at('0.0.0.0', 443), at('0.0.0.0', 8443)));
  t.notOk(addressesCollide(at('127.0.0.1', 0), at('127.0.0.1', 0)), 'port 0 is a fresh port each time');
});
