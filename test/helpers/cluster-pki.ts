// A database cluster's PKI in the state of September 2021: DST Root CA X3 days from expiry,
// ISRG Root X1, an R3 under each (same key), and one leaf per node, usable as server and client
// certificate (DNS name and SPIFFE URI). Files are written for rechain's config.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createIncidentPki, type IncidentPki } from '../../src/demo/incident-pki.js';
import { issue, type Issued } from '../../src/pki/generate.js';

const DAY = 86_400_000;

export interface ClusterNode {
  readonly name: string;
  readonly dns: string;
  readonly uri: string;
  readonly leaf: Issued;
  /** leaf + an R3: the stale node's bundle has R3 by DST. */
  readonly bundle: string;
  readonly key: string;
}

export interface ClusterPki {
  readonly incident: IncidentPki;
  readonly nodes: readonly ClusterNode[];
  /** Both R3s and the cross-signed ISRG Root X1. */
  readonly pool: string;
  readonly trustBoth: string;
  readonly trustNew: string;
}

export async function createClusterPki(dir: string, names: readonly string[], staleNodes: readonly string[]): Promise<ClusterPki> {
  const now = Date.now();
  const incident = await createIncidentPki({ now });
  const write = (name: string, content: string): string => {
    const file = path.join(dir, name);
    writeFileSync(file, content);
    return file;
  };
  const nodes: ClusterNode[] = [];
  for (const name of names) {
    const dns = `${name}.cluster.test`;
    const uri = `spiffe://cluster.test/node/${name}`;
    const leaf = await issue({ subject: name, issuer: incident.r3ByNewRoot, names: [dns, uri, '127.0.0.1'], notBefore: new Date(now - DAY), notAfter: new Date(now + 80 * DAY) });
    const r3 = staleNodes.includes(name) ? incident.r3ByOldRoot : incident.r3ByNewRoot;
    nodes.push({ name, dns, uri, leaf, bundle: write(`${name}.bundle.pem`, leaf.pem + r3.pem), key: write(`${name}.key`, leaf.keyPem) });
  }
  return {
    incident,
    nodes,
    pool: write('pool.pem', incident.r3ByOldRoot.pem + incident.r3ByNewRoot.pem + incident.newRootCrossSigned.pem),
    trustBoth: write('trust-both.pem', incident.oldRoot.pem + incident.newRoot.pem),
    trustNew: write('trust-new.pem', incident.newRoot.pem),
  };
}

/** Envoy's XFCC for a verified node with rechain's default details (Hash, Subject, URI, DNS). */
export function expectedXfcc(node: ClusterNode): string {
  return `Hash=${node.leaf.certificate.fingerprint};Subject="CN=${node.name}";URI=${node.uri};DNS=${node.dns}`;
}
