// rechain's proxy in the test process: parsed config, silent logs, its own metrics registry,
// stopped at teardown. Periodic recompute is off unless the document sets it.
import type { Test } from 'tap';
import { createMetrics } from '../../src/admin/metrics.js';
import { parseConfig } from '../../src/config/index.js';
import { startProxy, type RunningProxy } from '../../src/proxy/proxy.js';
import { systemClock, type Clock } from '../../src/runtime/clock.js';
import { silentLogger } from '../../src/runtime/logger.js';

export async function startTestProxy(t: Test, doc: Record<string, unknown>, clock: Clock = systemClock): Promise<{ proxy: RunningProxy; metrics: () => Promise<string> }> {
  const metrics = createMetrics('test');
  const proxy = await startProxy(parseConfig({ reload: { interval: '0s' }, ...doc }), { env: {}, clock, logger: silentLogger(), metrics });
  t.teardown(() => proxy.shutdown(0));
  return { proxy, metrics: () => metrics.render() };
}
