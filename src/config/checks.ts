// Rules the schema cannot express: unique names, references that resolve, listening addresses
// that do not collide, and the per-listener rules of check-listener.ts. They run on every entry
// the schema accepted (an entry with a schema error is skipped, its problems already known), so
// a typo in one listener and a dangling reference in another are reported together.
import type { ConfigProblem } from '../errors.js';
import { addressesCollide, addressOf } from './addresses.js';
import { checkReference, checkTls, type References, type Report } from './check-common.js';
import { checkListener } from './check-listener.js';
import type { RawCertificate, RawConnector, RawListener, RawStore } from './schema.js';

interface Entry<T> {
  readonly value: T;
  readonly path: string;
}

/** Cross-field problems of a document (a mapping) whose schema problems are `schema`. */
export function semanticProblems(doc: Readonly<Record<string, unknown>>, schema: readonly ConfigProblem[]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const report: Report = (path, message) => problems.push({ path, message });
  const accepted = new Accepted(schema);
  const trust = isMapping(doc.trust) ? doc.trust : {};
  const stores = accepted.items<RawStore>(trust.stores, 'trust.stores');
  const certificates = accepted.items<RawCertificate>(doc.certificates, 'certificates');
  const listeners = accepted.items<RawListener>(doc.listeners, 'listeners');
  const connectors = accepted.items<RawConnector>(doc.connectors, 'connectors');
  const refs: References = { certificates: namesIn(doc.certificates), stores: namesIn(trust.stores) };

  checkCertificatesForListeners(doc, report);
  // Listeners and connectors share the `listener` label of the metrics: one namespace for both.
  for (const entries of [stores, certificates, [...listeners, ...connectors]]) checkUniqueNames(entries, report);
  for (const { value, path } of certificates) checkCertificate(value, path, report);
  for (const { value, path } of listeners) checkListener(value, path, refs, report);
  for (const { value, path } of connectors) checkConnector(value, path, refs, report);
  const admin = accepted.value<{ listen: string }>(doc.admin, 'admin');
  checkListenAddresses(
    [
      ...(admin ? [{ value: admin.listen, path: 'admin.listen' }] : []),
      ...listeners.map((l) => ({ value: l.value.listen, path: `${l.path}.listen` })),
      ...connectors.map((c) => ({ value: c.value.listen, path: `${c.path}.listen` })),
    ],
    report,
  );
  return problems;
}

/** Entries the schema found nothing wrong with, typed as the schema describes them. */
class Accepted {
  private readonly problemPaths: readonly string[];

  constructor(schema: readonly ConfigProblem[]) {
    this.problemPaths = schema.map((p) => p.path);
  }

  value<T>(value: unknown, path: string): T | undefined {
    return value !== undefined && this.clean(path) ? (value as T) : undefined;
  }

  items<T>(list: unknown, path: string): Entry<T>[] {
    if (!Array.isArray(list)) return [];
    return list.flatMap((value: unknown, i) => (this.clean(`${path}[${i}]`) ? [{ value: value as T, path: `${path}[${i}]` }] : []));
  }

  private clean(path: string): boolean {
    return !this.problemPaths.some((p) => p === path || p.startsWith(`${path}.`) || p.startsWith(`${path}[`));
  }
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Every string `name` in a list, even of entries with other problems (references to them
 * resolve); undefined when the list is malformed. An absent list has no names.
 */
function namesIn(list: unknown): string[] | undefined {
  if (list === undefined) return [];
  if (!Array.isArray(list)) return undefined;
  return list.flatMap((entry: unknown) => (isMapping(entry) && typeof entry.name === 'string' ? [entry.name] : []));
}

function isEmptyList(value: unknown): boolean {
  return value === undefined || (Array.isArray(value) && value.length === 0);
}

function checkCertificatesForListeners(doc: Readonly<Record<string, unknown>>, report: Report): void {
  if (!isEmptyList(doc.listeners) && isEmptyList(doc.certificates)) {
    report('certificates', 'at least one is required: every listener serves a certificate');
  }
}

function checkUniqueNames(entries: readonly Entry<{ name: string }>[], report: Report): void {
  const firstSeen = new Map<string, string>();
  for (const { value, path } of entries) {
    const first = firstSeen.get(value.name);
    if (first === undefined) firstSeen.set(value.name, path);
    else report(`${path}.name`, `"${value.name}" is already the name of ${first}`);
  }
}

function checkCertificate(certificate: RawCertificate, path: string, report: Report): void {
  if (certificate.key !== undefined && /\.(p12|pfx)$/i.test(certificate.cert)) {
    report(`${path}.key`, 'must be omitted: a PKCS#12 file carries its own key');
  }
}

function checkConnector(connector: RawConnector, path: string, refs: References, report: Report): void {
  if (connector.certificate !== undefined) {
    checkReference('certificate', connector.certificate, refs.certificates, `${path}.certificate`, report);
  }
  connector.verify?.stores?.forEach((store, i) => checkReference('trust store', store, refs.stores, `${path}.verify.stores[${i}]`, report));
  checkTls(connector.tls, `${path}.tls`, report);
}

function checkListenAddresses(entries: readonly Entry<string>[], report: Report): void {
  const parsed = entries.map((e) => ({ ...e, address: addressOf(e.value, { allowPortZero: true }) }));
  parsed.forEach((later, j) => {
    const earlier = parsed.slice(0, j).find((e) => addressesCollide(e.address, later.address));
    if (earlier) report(later.path, `"${later.value}" collides with ${earlier.path} ("${earlier.value}")`);
  });
}
