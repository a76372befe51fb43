// Trust graphs for tests, written as tables: each row names a certificate, its subject, its
// key (shared keys make cross-signs and twins) and its issuer. Certificates are generated at
// test time; chains are rendered back with the row labels: "leaf -> R3(new) -> [ISRG]".
import { generateKey, issue, type Issued, type KeyPair } from '../../src/pki/generate.js';
import type { Certificate } from '../../src/pki/certificate.js';
import { AnchorSet } from '../../src/chain/anchors.js';
import type { ChainReport, Candidate } from '../../src/chain/engine.js';
import type { TrustPolicy, TrustStore } from '../../src/chain/policy.js';

export const DAY = 86_400_000;

export interface Row {
  /** Subject common name; defaults to the label without a "(...)" suffix. */
  subject?: string;
  /** Label of the row whose key this certificate reuses (cross-signs, twins). */
  keyOf?: string;
  /** Label of the signer; omitted = self-signed. */
  issuer?: string;
  ca?: boolean;
  pathLen?: number;
  /** Validity relative to the graph's time, in days. */
  from?: number;
  until?: number;
  names?: string[];
  eku?: ('serverAuth' | 'clientAuth')[];
  hash?: 'SHA-1' | 'SHA-256';
  permittedDns?: string[];
}

export interface Graph {
  readonly at: number;
  readonly issued: ReadonlyMap<string, Issued>;
  cert(label: string): Certificate;
  certs(...labels: string[]): Certificate[];
  store(name: string, labels: string[], required?: boolean): TrustStore;
  /** "leaf -> R3(new) -> [ISRG]" for a candidate, or for the served chain. */
  render(certs: readonly Certificate[], anchor?: Certificate): string;
  chosen(report: ChainReport): string;
  candidate(c: Candidate): string;
}

function subjectOf(label: string, row: Row): string {
  return row.subject ?? label.replace(/\(.*\)$/, '');
}

/** Rows are issued in order, so a row's issuer and key owner must come before it. */
export async function buildGraph(at: string | number, rows: Record<string, Row>): Promise<Graph> {
  const now = typeof at === 'number' ? at : Date.parse(at);
  const issued = new Map<string, Issued>();
  const keys = new Map<string, KeyPair>();
  for (const [label, row] of Object.entries(rows)) {
    const issuer = row.issuer ? issued.get(row.issuer) : undefined;
    if (row.issuer && !issuer) throw new Error(`row ${label}: issuer ${row.issuer} must come first`);
    let key = row.keyOf ? keys.get(row.keyOf) : undefined;
    if (row.keyOf && !key) throw new Error(`row ${label}: key owner ${row.keyOf} must come first`);
    key ??= await generateKey();
    const cert = await issue({
      subject: subjectOf(label, row),
      issuer,
      key,
      ca: row.ca ?? !row.names,
      pathLen: row.pathLen,
      notBefore: new Date(now + (row.from ?? -30) * DAY),
      notAfter: new Date(now + (row.until ?? 365) * DAY),
      names: row.names,
      eku: row.eku,
      hash: row.hash,
      permittedDns: row.permittedDns,
    });
    issued.set(label, cert);
    keys.set(label, key);
  }
  const labelOf = new Map<string, string>();
  for (const [label, i] of issued) labelOf.set(i.certificate.fingerprint, label);
  const name = (c: Certificate): string => labelOf.get(c.fingerprint) ?? c.label;
  const render = (certs: readonly Certificate[], anchor?: Certificate): string =>
    [...certs.map(name), ...(anchor ? [`[${name(anchor)}]`] : [])].join(' -> ');
  const cert = (label: string): Certificate => {
    const i = issued.get(label);
    if (!i) throw new Error(`no row ${label}`);
    return i.certificate;
  };
  return {
    at: now,
    issued,
    cert,
    certs: (...labels) => labels.map(cert),
    store: (storeName, labels, required = true) => ({ name: storeName, required, anchors: new AnchorSet(labels.map(cert)) }),
    render,
    chosen: (report) => (report.chosen ? render(report.chosen.certificates, report.chosen.verdicts.find((v) => v.valid)?.anchor) : `invalid: ${render(report.served)}`),
    candidate: (c) => render(c.certificates, c.anchor),
  };
}

export function policy(stores: TrustStore[], extra: Partial<TrustPolicy> = {}): TrustPolicy {
  return { stores, distrust: new Set(), horizonMs: 0, prefer: [], maxDepth: 8, ...extra };
}
