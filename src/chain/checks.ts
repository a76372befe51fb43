// One function per rule of DESIGN §2. Each looks at a complete path (leaf, intermediates,
// anchor) and appends what fails; none throws for a failed check.
import type { Certificate } from '../pki/certificate.js';
import { EkuOids, KeyUsageBits, type CertificateFacts } from '../pki/facts.js';
import { isValidPresentedDnsName, leafCoversName } from './hostname.js';
import { checkNamesAgainstConstraints, comparisonCount, constrainedNamesOf } from './name-constraints.js';
import type { PeerName, Purpose } from './policy.js';
import { finding, Reasons, type Finding } from './reasons.js';

export interface CheckedCertificate {
  readonly certificate: Certificate;
  readonly facts: CertificateFacts;
}

/** A path with every certificate decoded. `issuers` are the intermediates then the anchor. */
export interface DecodedPath {
  readonly leaf: CheckedCertificate;
  readonly intermediates: readonly CheckedCertificate[];
  /** The anchor, or undefined when the leaf itself is the anchor. */
  readonly anchor: CheckedCertificate | undefined;
}

export interface CheckContext {
  readonly at: number;
  readonly horizonMs: number;
  readonly purpose: Purpose;
  readonly names: readonly PeerName[];
  readonly distrust: ReadonlySet<string>;
  /** Name-constraint comparisons (names x subtrees) allowed for one path. */
  readonly nameComparisonLimit: number;
}

export type Rule = (path: DecodedPath, ctx: CheckContext, out: Finding[]) => void;

function issuersOf(path: DecodedPath): CheckedCertificate[] {
  return path.anchor ? [...path.intermediates, path.anchor] : [...path.intermediates];
}

function everyCertificate(path: DecodedPath): CheckedCertificate[] {
  return [path.leaf, ...issuersOf(path)];
}

const iso = (ms: number): string => new Date(ms).toISOString();

export const checkValidity: Rule = (path, ctx, out) => {
  // Certificate times have one-second precision; compare at that precision.
  const at = Math.floor(ctx.at / 1000) * 1000;
  for (const { certificate, facts } of everyCertificate(path)) {
    if (at < facts.notBefore) out.push(finding(Reasons.notYetValid, certificate, iso(facts.notBefore)));
    else if (at > facts.notAfter) out.push(finding(Reasons.expired, certificate, iso(facts.notAfter)));
  }
};

/**
 * The horizon judges the certificates rechain chooses: intermediates and the anchor. The leaf
 * is the operator's input and the same on every candidate, so a leaf inside the horizon is a
 * warning (and shows in the expiry metric), never a reason to serve a worse chain.
 */
export const checkHorizon: Rule = (path, ctx, out) => {
  if (ctx.horizonMs <= 0) return;
  const until = ctx.at + ctx.horizonMs;
  for (const { certificate, facts } of issuersOf(path)) {
    if (ctx.at <= facts.notAfter && facts.notAfter < until) {
      out.push(finding(Reasons.expiresWithinHorizon, certificate, iso(facts.notAfter)));
    }
  }
  const leaf = path.leaf.facts;
  if (ctx.at <= leaf.notAfter && leaf.notAfter < until) {
    out.push(finding(Reasons.leafExpiresWithinHorizon, path.leaf.certificate, iso(leaf.notAfter)));
  }
};

export const checkDistrust: Rule = (path, ctx, out) => {
  if (ctx.distrust.size === 0) return;
  for (const { certificate } of everyCertificate(path)) {
    if (ctx.distrust.has(certificate.fingerprint)) out.push(finding(Reasons.distrusted, certificate, `sha256:${certificate.fingerprint}`));
    else if (ctx.distrust.has(certificate.spkiSha256)) out.push(finding(Reasons.distrusted, certificate, `spki:${certificate.spkiSha256}`));
  }
};

const STRONG_HASHES = new Set(['sha256', 'sha384', 'sha512']);
const STRONG_CURVES = new Set(['P-256', 'P-384', 'P-521']);
const MIN_RSA_BITS = 2048;

function keyIsStrong(facts: CertificateFacts): boolean {
  const key = facts.publicKey;
  switch (key.algorithm) {
    case 'rsa':
    case 'rsa-pss':
      // CA/B 6.1.5: at least 2048 bits, and a whole number of bytes.
      return (key.bits ?? 0) >= MIN_RSA_BITS && (key.bits ?? 0) % 8 === 0;
    case 'ec':
      return key.curve !== undefined && STRONG_CURVES.has(key.curve);
    case 'ed25519':
      return true;
    default:
      return false;
  }
}

/** The algorithm floor: SHA-256 or better (or Ed25519), RSA >= 2048, P-256/384/521. */
export const checkAlgorithms: Rule = (path, _ctx, out) => {
  // The anchor's own signature is never checked by anyone, so its algorithm does not matter.
  for (const { certificate, facts } of [path.leaf, ...path.intermediates]) {
    const alg = facts.signatureAlgorithm;
    const strong = STRONG_HASHES.has(alg.hash) || alg.name === 'Ed25519';
    if (!strong) out.push(finding(Reasons.weakSignatureAlgorithm, certificate, alg.name));
    if (!facts.signatureAlgorithmConsistent) out.push(finding(Reasons.malformedCertificate, certificate, 'signature algorithm mismatch'));
  }
  for (const { certificate, facts } of everyCertificate(path)) {
    if (!keyIsStrong(facts)) {
      const key = facts.publicKey;
      out.push(finding(Reasons.weakKey, certificate, `${key.algorithm}${key.bits ? ` ${key.bits}` : ''}${key.curve ? ` ${key.curve}` : ''}`));
    }
  }
};

export const checkExtensions: Rule = (path, _ctx, out) => {
  for (const { certificate, facts } of everyCertificate(path)) {
    for (const oid of facts.unknownCriticalExtensions) out.push(finding(Reasons.unknownCriticalExtension, certificate, oid));
    for (const oid of facts.malformedExtensions) out.push(finding(Reasons.malformedCertificate, certificate, `extension ${oid}`));
  }
};

/** Every issuer is a CA (basicConstraints cA, X.509 v3); the leaf is not. */
export const checkBasicConstraints: Rule = (path, _ctx, out) => {
  for (const { certificate, facts } of issuersOf(path)) {
    if (!facts.basicConstraints?.ca || facts.version < 3) out.push(finding(Reasons.notACa, certificate));
  }
  if (path.anchor && path.leaf.facts.basicConstraints?.ca) out.push(finding(Reasons.leafIsCa, path.leaf.certificate));
};

/** pathLenConstraint counts the non-self-issued intermediates below an issuer. */
export const checkPathLength: Rule = (path, _ctx, out) => {
  const issuers = issuersOf(path);
  let below = 0;
  for (const { certificate, facts } of issuers) {
    const limit = facts.basicConstraints?.pathLen;
    if (limit !== undefined && below > limit) out.push(finding(Reasons.pathLengthExceeded, certificate, `${below} > ${limit}`));
    if (!certificate.selfIssued) below++;
  }
};

export const checkKeyUsage: Rule = (path, _ctx, out) => {
  for (const { certificate, facts } of issuersOf(path)) {
    if (facts.keyUsage !== undefined && !(facts.keyUsage & KeyUsageBits.keyCertSign)) {
      out.push(finding(Reasons.keyUsage, certificate, 'keyCertSign'));
    }
  }
};

/**
 * EKU must allow the purpose: on the leaf, the purpose itself (a leaf without EKU is accepted,
 * as OpenSSL, Go and Java clients do); on issuers, the purpose or anyExtendedKeyUsage.
 */
export const checkExtendedKeyUsage: Rule = (path, ctx, out) => {
  const purposeOid = ctx.purpose === 'serverAuth' ? EkuOids.serverAuth : EkuOids.clientAuth;
  const leafEku = path.leaf.facts.extendedKeyUsage;
  if (leafEku && !leafEku.includes(purposeOid)) out.push(finding(Reasons.ekuIncompatible, path.leaf.certificate, ctx.purpose));
  for (const { certificate, facts } of issuersOf(path)) {
    const eku = facts.extendedKeyUsage;
    if (eku && !eku.includes(purposeOid) && !eku.includes(EkuOids.any)) {
      out.push(finding(Reasons.ekuIncompatible, certificate, ctx.purpose));
    }
  }
};

/** Each constraining issuer's subtrees against the names of every certificate below it. */
export const checkNameConstraints: Rule = (path, ctx, out) => {
  const chain = [path.leaf, ...issuersOf(path)];
  let comparisons = 0;
  for (let i = 1; i < chain.length; i++) {
    const { certificate: ca, facts } = chain[i]!;
    const nc = facts.nameConstraints;
    if (!nc) continue;
    if (nc.malformed) {
      out.push(finding(Reasons.nameConstraints, ca, 'malformed name constraints'));
      continue;
    }
    for (let j = 0; j < i; j++) {
      const subject = chain[j]!;
      // RFC 5280 6.1.3 (b): self-issued intermediates are exempt, the leaf never is.
      if (j > 0 && subject.certificate.selfIssued) continue;
      const names = constrainedNamesOf(subject.facts.subjectAltName, subject.certificate.raw.subjectDer);
      comparisons += (nc.permitted ? comparisonCount(names, nc.permitted) : 0) + (nc.excluded ? comparisonCount(names, nc.excluded) : 0);
      if (comparisons > ctx.nameComparisonLimit) {
        // Quadratic blow-up (a CA with thousands of subtrees over a leaf with thousands of names).
        out.push(finding(Reasons.budgetExhausted, ca, 'nameComparisons'));
        return;
      }
      const verdict = checkNamesAgainstConstraints(names, nc.permitted, nc.excluded);
      if (!verdict.ok) out.push(finding(Reasons.nameConstraints, ca, verdict.value));
    }
  }
};

const AKI = '2.5.29.35';
const SKI = '2.5.29.14';
const SAN = '2.5.29.17';
const AIA = '1.3.6.1.5.5.7.1.1';

/**
 * RFC 5280 and CA/B encoding rules that strict clients (rustls, pyca/cryptography, Chromium)
 * enforce. Anchors are held to fewer of them: a few public roots predate the rules (TWCA
 * Global Root CA has no SKI), and a store's anchors are trusted as they are.
 */
export const checkProfile: Rule = (path, _ctx, out) => {
  const bad = (certificate: Certificate, rule: string): void => {
    out.push(finding(Reasons.profileViolation, certificate, rule));
  };
  for (const { certificate, facts } of everyCertificate(path)) {
    const critical = facts.criticalExtensions;
    if (critical.includes(AKI)) bad(certificate, 'critical authorityKeyIdentifier');
    if (critical.includes(SKI)) bad(certificate, 'critical subjectKeyIdentifier');
    if (critical.includes(AIA)) bad(certificate, 'critical authorityInfoAccess');
  }
  const issued = path.anchor ? [path.leaf, ...path.intermediates] : [];
  for (const { certificate, facts } of issued) {
    if (facts.authorityKeyIdentifier?.keyIdentifier === undefined) bad(certificate, 'no authorityKeyIdentifier');
  }
  for (const { certificate, facts } of path.intermediates) {
    if (facts.subjectKeyIdentifier === undefined) bad(certificate, 'CA without subjectKeyIdentifier');
  }
  for (const { certificate, facts } of issuersOf(path)) {
    if (facts.subjectEmpty) bad(certificate, 'CA with an empty subject');
  }
  const anchor = path.anchor;
  if (anchor?.certificate.selfIssued && anchor.facts.authorityKeyIdentifier) {
    const aki = anchor.facts.authorityKeyIdentifier;
    const ski = anchor.facts.subjectKeyIdentifier;
    // authorityCertIssuer and serial are tolerated: Mozilla's Certigna root carries them.
    if (aki.keyIdentifier === undefined || (ski !== undefined && aki.keyIdentifier !== ski)) {
      bad(anchor.certificate, 'root authorityKeyIdentifier is not its own key identifier');
    }
  }
  const leaf = path.leaf.facts;
  if (leaf.nameConstraints) bad(path.leaf.certificate, 'name constraints in an end-entity certificate');
  if (leaf.keyUsage !== undefined && leaf.keyUsage & KeyUsageBits.keyCertSign && !leaf.basicConstraints?.ca) {
    bad(path.leaf.certificate, 'keyCertSign without cA');
  }
  if (leaf.subjectAltName && leaf.subjectEmpty !== leaf.criticalExtensions.includes(SAN)) {
    bad(path.leaf.certificate, leaf.subjectEmpty ? 'non-critical subjectAltName with an empty subject' : 'critical subjectAltName');
  }
  for (const name of leaf.subjectAltName?.dns ?? []) {
    if (!isValidPresentedDnsName(name)) bad(path.leaf.certificate, `invalid dNSName ${JSON.stringify(name)}`);
  }
  if (leaf.subjectAltName?.malformed) bad(path.leaf.certificate, 'malformed subjectAltName');
};

export const checkPeerNames: Rule = (path, ctx, out) => {
  for (const name of ctx.names) {
    if (!leafCoversName(path.leaf.facts.subjectAltName, name)) out.push(finding(Reasons.nameMismatch, path.leaf.certificate, name.value));
  }
};

export const RULES: readonly Rule[] = [
  checkValidity,
  checkHorizon,
  checkDistrust,
  checkAlgorithms,
  checkExtensions,
  checkBasicConstraints,
  checkPathLength,
  checkKeyUsage,
  checkExtendedKeyUsage,
  checkNameConstraints,
  checkProfile,
  checkPeerNames,
];
