// What the admin endpoints say about the serving state: /readyz and /chains (DESIGN §6).
import type net from 'node:net';
import { reportView } from '../chain/report-view.js';
import type { Snapshot } from '../tls/snapshot.js';
import type { Readiness } from '../admin/server.js';

/** Ready when every listener and connector listens and has its contexts. Invalid chains are
 * served (best effort, never an outage), so they are reported in the detail, not as unready. */
export function readiness(snapshot: Snapshot, listeners: readonly string[], bound: ReadonlyMap<string, net.AddressInfo>): Readiness {
  const listening = listeners.filter((l) => bound.has(l) && (snapshot.listeners.has(l) || snapshot.connectors.has(l)));
  const certificates = Object.fromEntries(
    [...snapshot.reports].map(([name, r]) => [name, { valid: r.valid, rewritten: r.rewritten, stores: Object.fromEntries(r.servedVerdicts.map((v) => [v.store, v.valid])) }]),
  );
  return {
    ready: listening.length === listeners.length,
    detail: {
      generation: snapshot.generation,
      listeners: Object.fromEntries(listeners.map((l) => [l, bound.has(l) ? 'listening' : 'not_listening'])),
      certificates,
      invalid: [...snapshot.reports].filter(([, r]) => !r.valid).map(([name]) => name),
    },
  };
}

export function chainsView(snapshot: Snapshot): unknown {
  return {
    generation: snapshot.generation,
    computedAt: new Date(snapshot.at).toISOString(),
    certificates: Object.fromEntries([...snapshot.reports].map(([name, report]) => [name, reportView(report)])),
    clientCertificates: Object.fromEntries([...snapshot.clientReports].map(([name, report]) => [name, reportView(report)])),
  };
}
