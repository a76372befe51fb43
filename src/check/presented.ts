// Problems of the presented list itself, whatever the trust store: the order RFC 5246 §7.4.2
// requires ("each following certificate MUST directly certify the one preceding it"; RFC 8446
// keeps it as a SHOULD, and strict or old clients still fail without it), a root sent along
// (bytes on every handshake, and a root the client does not trust gains nothing by being
// sent), and the names the leaf must cover.
import { leafCoversName } from '../chain/hostname.js';
import type { PeerName } from '../chain/policy.js';
import type { Certificate } from '../pki/certificate.js';
import type { SignatureVerifier } from '../pki/signatures.js';
import { Problems, type CheckProblem } from './problems.js';

export function certifies(issuer: Certificate, child: Certificate, verifier: SignatureVerifier): boolean {
  return issuer.subjectKey === child.issuerKey && verifier.verify(child, issuer);
}

export function isSelfSigned(cert: Certificate, verifier: SignatureVerifier): boolean {
  return cert.selfIssued && verifier.verify(cert, cert);
}

/** The first certificate that does not certify the one sent before it: one break says enough. */
function orderProblem(presented: readonly Certificate[], verifier: SignatureVerifier): CheckProblem[] {
  for (let i = 1; i < presented.length; i++) {
    if (!certifies(presented[i]!, presented[i - 1]!, verifier)) {
      return [{ code: Problems.wrongOrder, blocking: true, certificate: presented[i], value: String(i + 1) }];
    }
  }
  return [];
}

function rootProblems(presented: readonly Certificate[], verifier: SignatureVerifier): CheckProblem[] {
  // The leaf is not a candidate: a self-signed leaf is the whole chain, not a root sent along.
  return presented.flatMap((cert, i) =>
    i > 0 && isSelfSigned(cert, verifier) ? [{ code: Problems.rootIncluded, blocking: true, certificate: cert, value: String(i + 1) }] : [],
  );
}

function nameProblems(leaf: Certificate, names: readonly PeerName[]): CheckProblem[] {
  return names.flatMap((name) =>
    leafCoversName(leaf.facts?.subjectAltName, name) ? [] : [{ code: Problems.nameMismatch, blocking: true, certificate: leaf, value: name.value }],
  );
}

/** `presented`: leaf first, in the order the peer sent them. */
export function presentationProblems(presented: readonly Certificate[], names: readonly PeerName[], verifier: SignatureVerifier): CheckProblem[] {
  return [...orderProblem(presented, verifier), ...rootProblems(presented, verifier), ...nameProblems(presented[0]!, names)];
}
