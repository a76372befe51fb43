// `rechain serve` and `rechain connect`: start the proxy from flags or --config, wire the
// signals (SIGHUP reloads, SIGTERM/SIGINT drain and exit 0), and run until stopped.
import { createMetrics } from '../admin/metrics.js';
import { formatAddress } from '../config/addresses.js';
import { CONNECT_PARSE_OPTIONS, loadConnectConfig, loadServeConfig, SERVE_PARSE_OPTIONS, type Config } from '../config/index.js';
import { startProxy } from '../proxy/proxy.js';
import { systemClock } from '../runtime/clock.js';
import { createLogger } from '../runtime/logger.js';
import { parseFlags } from './args.js';
import { VERSION } from './version.js';

export async function runServe(args: readonly string[]): Promise<number> {
  const { values } = parseFlags(args, SERVE_PARSE_OPTIONS);
  return runProxy(await loadServeConfig(values));
}

export async function runConnect(args: readonly string[]): Promise<number> {
  const { values } = parseFlags(args, CONNECT_PARSE_OPTIONS);
  return runProxy(await loadConnectConfig(values));
}

async function runProxy(config: Config): Promise<number> {
  const logger = createLogger(config.log.level);
  const proxy = await startProxy(config, { env: process.env, clock: systemClock, logger, metrics: createMetrics(VERSION) });
  logger.info(
    {
      event: 'started',
      version: VERSION,
      listeners: Object.fromEntries([...proxy.listeners].map(([name, a]) => [name, formatAddress({ host: a.address, port: a.port })])),
      admin: proxy.admin ? formatAddress({ host: proxy.admin.address, port: proxy.admin.port }) : undefined,
    },
    'rechain is serving',
  );

  return new Promise((resolve) => {
    const onHup = (): void => {
      logger.info({ event: 'signal', signal: 'SIGHUP' }, 'SIGHUP: reloading');
      void proxy.reload('signal');
    };
    let stopping = false;
    const onStop = (signal: NodeJS.Signals): void => {
      if (stopping) return;
      stopping = true;
      logger.info({ event: 'signal', signal }, `${signal}: shutting down`);
      process.off('SIGHUP', onHup);
      void proxy.shutdown(config.limits.drainTimeoutMs).then(() => {
        logger.info({ event: 'stopped' }, 'rechain stopped');
        resolve(0);
      });
    };
    process.on('SIGHUP', onHup);
    process.once('SIGTERM', onStop);
    process.once('SIGINT', onStop);
  });
}
