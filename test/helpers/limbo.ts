// Runs x509-limbo cases (../shared/conformance) through the chain engine, as its README says.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { Certificate } from '../../src/pki/certificate.js';
import { decodePem } from '../../src/pki/pem.js';
import { CachingSignatureVerifier } from '../../src/pki/signatures.js';
import { AnchorSet } from '../../src/chain/anchors.js';
import { computeChain, type ChainReport } from '../../src/chain/engine.js';
import { DEFAULT_MAX_DEPTH, type PeerName } from '../../src/chain/policy.js';

export interface LimboCase {
  id: string;
  features: string[] | null;
  conflicts_with: string[] | null;
  validation_kind: 'SERVER' | 'CLIENT';
  trusted_certs: string[];
  untrusted_intermediates: string[];
  peer_certificate: string;
  validation_time: string | null;
  expected_peer_name: { kind: 'DNS' | 'IP' | 'RFC822'; value: string } | null;
  max_chain_depth: number | null;
  expected_result: 'SUCCESS' | 'FAILURE';
  description: string;
}

const here = path.dirname(fileURLToPath(import.meta.url));
export const CONFORMANCE_DIR = path.resolve(here, '../conformance');

export function loadLimbo(): LimboCase[] {
  const file = process.env.LIMBO_PATH ?? path.join(CONFORMANCE_DIR, 'limbo.json.gz');
  return (JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as { testcases: LimboCase[] }).testcases;
}

/** Optional behaviours rechain does not implement (README "Feature tags"). */
export const SKIPPED_FEATURES = new Set([
  'pedantic-webpki-eku',
  'pedantic-webpki-subscriber-key',
  'pedantic-serial-number',
  'pedantic-public-suffix-wildcard',
  'pedantic-rfc5280',
  'name-constraint-dn',
  'has-crl',
  'rfc5280-incompatible-with-webpki',
  'has-policy-constraints',
]);

/**
 * Where RFC 5280 and the Web PKI disagree (conflicts_with), rechain follows the Web PKI
 * except for a leaf without EKU, which OpenSSL, Go and Java clients accept.
 */
export const PROFILE_SKIPS = new Set(['rfc5280::ca-as-leaf']);

export type Outcome = { kind: 'skip'; why: string } | { kind: 'pass' } | { kind: 'fail'; why: string };

function certificates(pems: string[]): Certificate[] {
  const out: Certificate[] = [];
  for (const pem of pems) {
    for (const block of decodePem(pem)) {
      try {
        out.push(Certificate.fromDer(block.der));
      } catch {
        // An undecodable pool or anchor certificate cannot be part of any path.
      }
    }
  }
  return out;
}

export function familyOf(id: string): string {
  const parts = id.split('::');
  return parts.length > 2 ? `${parts[0]}::${parts[1]}` : parts[0]!;
}

export function skipReason(tc: LimboCase): string | undefined {
  if (tc.validation_kind !== 'SERVER') return 'CLIENT case';
  const feature = (tc.features ?? []).find((f) => SKIPPED_FEATURES.has(f));
  if (feature) return `feature ${feature}`;
  if (PROFILE_SKIPS.has(tc.id)) return 'profile conflict';
  return undefined;
}

export interface CaseRun {
  outcome: Outcome;
  report: ChainReport | undefined;
  ms: number;
}

const verifier = new CachingSignatureVerifier();

export function runCase(tc: LimboCase, now: () => number = Date.now): CaseRun {
  const skip = skipReason(tc);
  if (skip) return { outcome: { kind: 'skip', why: skip }, report: undefined, ms: 0 };
  const started = performance.now();
  const expectSuccess = tc.expected_result === 'SUCCESS';
  let leaf: Certificate;
  try {
    leaf = Certificate.fromDer(decodePem(tc.peer_certificate)[0]!.der);
  } catch (e) {
    const outcome: Outcome = expectSuccess ? { kind: 'fail', why: `leaf does not decode: ${String(e)}` } : { kind: 'pass' };
    return { outcome, report: undefined, ms: performance.now() - started };
  }
  const pool = certificates(tc.untrusted_intermediates);
  const anchors = certificates(tc.trusted_certs);
  const names: PeerName[] = [];
  if (tc.expected_peer_name?.kind === 'DNS') names.push({ kind: 'dns', value: tc.expected_peer_name.value });
  if (tc.expected_peer_name?.kind === 'IP') names.push({ kind: 'ip', value: tc.expected_peer_name.value });
  const report = computeChain({
    leaf,
    bundle: [],
    pool,
    policy: {
      stores: [{ name: 'limbo', required: true, anchors: new AnchorSet(anchors) }],
      distrust: new Set(),
      horizonMs: 0,
      prefer: [],
      maxDepth: tc.max_chain_depth ?? DEFAULT_MAX_DEPTH,
    },
    purpose: 'serverAuth',
    names,
    at: tc.validation_time ? Date.parse(tc.validation_time) : now(),
    verifier,
    monotonicNow: () => performance.now(),
  });
  const ms = performance.now() - started;
  const accepted = report.valid;
  if (accepted) {
    const poolDer = new Set(pool.map((c) => c.fingerprint));
    const served = report.served;
    const wellFormed = served[0] === leaf && served.slice(1).every((c) => poolDer.has(c.fingerprint)) && report.chosen !== undefined;
    if (!wellFormed) return { outcome: { kind: 'fail', why: 'accepted chain is not leaf + pool certificates' }, report, ms };
  }
  if (accepted === expectSuccess) return { outcome: { kind: 'pass' }, report, ms };
  const reasons = report.servedVerdicts.flatMap((v) => v.findings.map((f) => `${f.reason}${f.value ? `(${f.value})` : ''}`));
  const why = accepted ? 'accepted, expected FAILURE' : `rejected: ${reasons.join(', ') || 'no path'}`;
  return { outcome: { kind: 'fail', why }, report, ms };
}
