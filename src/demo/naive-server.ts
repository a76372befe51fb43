// What the node did in 2021: serve whatever bundle its local cache holds, as every TLS
// terminator that is given a chain does. The demo runs one beside rechain for comparison.
import https from 'node:https';
import { readFileSync } from 'node:fs';
import { listenOnLoopback, type Running } from './sample-backend.js';

export async function startNaiveServer(bundle: string, key: string): Promise<Running> {
  const server = https.createServer({ cert: readFileSync(bundle), key: readFileSync(key) }, (_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(`${JSON.stringify({ server: 'naive', message: 'served the stale bundle as configured' })}\n`);
  });
  return listenOnLoopback(server);
}
