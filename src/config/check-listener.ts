// Cross-field rules of one listener: where its connections go, which certificate it serves,
// options that belong to the other mode, and client authentication that cannot work.
import { checkReference, checkTls, type References, type Report } from './check-common.js';
import { clientAuthMode, DEFAULTS } from './defaults.js';
import type { RawAllow, RawClientAuth, RawListener, RawRoute } from './schema.js';

export function checkListener(listener: RawListener, path: string, refs: References, report: Report): void {
  const routes = listener.routes ?? [];
  checkDefaultCertificate(listener.certificate, `${path}.certificate`, refs, report);
  if (listener.backend === undefined && routes.length === 0) {
    report(`${path}.backend`, 'is required: there is no route to send connections to');
  }
  routes.forEach((route, i) => checkRoute(route, `${path}.routes[${i}]`, listener.backend !== undefined, refs, report));
  checkRouteNamesUnique(routes, path, report);
  checkModeOptions(listener, path, report);
  checkTls(listener.tls, `${path}.tls`, report);
  checkClientAuth(listener.clientAuth, `${path}.clientAuth`, report);
  if (listener.forwardClientCert?.enabled === true && clientAuthMode(listener.clientAuth) === 'none') {
    report(`${path}.forwardClientCert.enabled`, 'has no effect: no client certificate is requested (see clientAuth)');
  }
}

function checkDefaultCertificate(name: string | undefined, path: string, refs: References, report: Report): void {
  if (name !== undefined) return checkReference('certificate', name, refs.certificates, path, report);
  const choices = [...new Set(refs.certificates)];
  if (choices.length > 1) report(path, `is required: ${choices.length} certificates are configured (${choices.join(', ')})`);
}

function checkRoute(route: RawRoute, path: string, listenerHasBackend: boolean, refs: References, report: Report): void {
  if (route.certificate !== undefined) checkReference('certificate', route.certificate, refs.certificates, `${path}.certificate`, report);
  if (route.backend === undefined && !listenerHasBackend) report(`${path}.backend`, 'is required: the listener has no default backend');
}

/** A name in two routes would make the route depend on their order: refuse it. */
function checkRouteNamesUnique(routes: readonly RawRoute[], path: string, report: Report): void {
  const firstSeen = new Map<string, string>();
  routes.forEach((route, i) =>
    route.names.forEach((name, j) => {
      const here = `${path}.routes[${i}].names[${j}]`;
      const lower = name.toLowerCase();
      const first = firstSeen.get(lower);
      if (first === undefined) firstSeen.set(lower, here);
      else report(here, `"${name}" is already routed by ${first}`);
    }),
  );
}

function checkModeOptions(listener: RawListener, path: string, report: Report): void {
  const mode = listener.mode ?? DEFAULTS.mode;
  if (mode === 'tcp' && listener.forwardClientCert !== undefined) {
    report(`${path}.forwardClientCert`, 'is only used in http mode');
  }
  if (mode === 'http' && listener.alpn !== undefined) {
    report(`${path}.alpn`, 'is only used in tcp mode (http mode always offers http/1.1)');
  }
  if (mode === 'http' && listener.proxyProtocol !== undefined) {
    report(`${path}.proxyProtocol`, 'is only used in tcp mode');
  }
}

function checkClientAuth(clientAuth: RawClientAuth | undefined, path: string, report: Report): void {
  const mode = clientAuthMode(clientAuth);
  const cas = clientAuth?.ca ?? [];
  if (mode !== 'none' && cas.length === 0) {
    report(`${path}.ca`, `is required when client authentication is ${mode}: client certificates are verified against it`);
  }
  if (mode !== 'none') return;
  if (cas.length > 0) report(`${path}.ca`, 'has no effect: client authentication mode is none, so no client certificate is requested');
  const why = clientAuth?.mode === 'none' ? 'client authentication mode is none' : 'no client CA (ca) is set, so no client certificate is requested';
  checkUnusedAllow(clientAuth?.allow, why, `${path}.allow`, report);
}

/** Allow-list entries that can never apply, because no client certificate is asked for. */
function checkUnusedAllow(allow: RawAllow | undefined, why: string, path: string, report: Report): void {
  for (const list of ['fingerprints', 'spki', 'sans'] as const) {
    if ((allow?.[list]?.length ?? 0) > 0) report(`${path}.${list}`, `has no effect: ${why}`);
  }
}
