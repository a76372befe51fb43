import t from 'tap';
import { BackendTimeoutError, classifyBackendError } from '../../src/net/backend.js';

const errno = (code: string): NodeJS.ErrnoException => Object.assign(new Error(code), { code });

t.test('errno codes map to the closed set of reasons', async (t) => {
  const table: [unknown, boolean, string][] = [
    [errno('ECONNREFUSED'), false, 'connect_refused'],
    [errno('ETIMEDOUT'), false, 'connect_timeout'], // the kernel gave up on the SYN
    [errno('ETIMEDOUT'), true, 'reset'], // keepalive probes went unanswered
    [errno('ECONNRESET'), true, 'reset'],
    [errno('EPIPE'), true, 'reset'],
    [errno('ECONNABORTED'), true, 'reset'],
    [errno('ENOTFOUND'), false, 'other'],
    [errno('EHOSTUNREACH'), false, 'other'],
    [new Error('no code'), true, 'other'],
    [undefined, false, 'other'],
  ];
  for (const [error, connected, reason] of table) {
    t.equal(classifyBackendError(error, connected), reason, `${(error as Error | undefined)?.message} connected=${connected}`);
  }
});

t.test('happy-eyeballs AggregateErrors carry the first attempt code', async (t) => {
  const aggregate = Object.assign(new AggregateError([errno('ECONNREFUSED')], 'all attempts failed'), { code: 'ECONNREFUSED' });
  t.equal(classifyBackendError(aggregate, false), 'connect_refused');
});

t.test('our own timeouts keep their reason', async (t) => {
  for (const reason of ['connect_timeout', 'idle_timeout', 'response_timeout'] as const) {
    const error = new BackendTimeoutError(reason, 150);
    t.equal(classifyBackendError(error, true), reason);
    t.match(error.message, /after 150 ms$/);
  }
});
