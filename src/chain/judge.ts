// Judging a built path: decode every certificate, then run every rule. The verdict of a path
// depends only on the path and the context, so it is memoised for one computation.
import type { BuiltPath } from './build.js';
import { RULES, type CheckContext, type CheckedCertificate, type DecodedPath } from './checks.js';
import { finding, Reasons, type Finding } from './reasons.js';
import type { Certificate } from '../pki/certificate.js';

function decoded(cert: Certificate): CheckedCertificate | Finding {
  const facts = cert.facts;
  return facts ? { certificate: cert, facts } : finding(Reasons.malformedCertificate, cert, cert.factsError?.message);
}

export function pathKey(path: BuiltPath): string {
  return `${path.certificates.map((c) => c.fingerprint).join('>')}>[${path.anchor.fingerprint}]${path.leafIsAnchor ? '=' : ''}`;
}

export class PathJudge {
  readonly #memo = new Map<string, readonly Finding[]>();

  constructor(readonly context: CheckContext) {}

  /** Every failed check and warning for the path; no errors means valid. */
  judge(path: BuiltPath): readonly Finding[] {
    const key = pathKey(path);
    let findings = this.#memo.get(key);
    if (!findings) {
      findings = this.#judge(path);
      this.#memo.set(key, findings);
    }
    return findings;
  }

  #judge(path: BuiltPath): Finding[] {
    const [leafCert, ...intermediateCerts] = path.certificates;
    const certs = path.leafIsAnchor ? [leafCert!] : [leafCert!, ...intermediateCerts, path.anchor];
    const views = certs.map(decoded);
    const broken = views.filter((v): v is Finding => 'reason' in v);
    if (broken.length > 0) return broken;
    const checked = views as CheckedCertificate[];
    const decodedPath: DecodedPath = {
      leaf: checked[0]!,
      intermediates: path.leafIsAnchor ? [] : checked.slice(1, -1),
      anchor: path.leafIsAnchor ? undefined : checked[checked.length - 1],
    };
    const out: Finding[] = [];
    for (const rule of RULES) rule(decodedPath, this.context, out);
    return out;
  }
}
