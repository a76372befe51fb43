// `bundled`: the Mozilla roots compiled into Node (tls.rootCertificates), the same on every
// machine. Note that a secure context's `ca` option replaces them rather than adding to them.
import { rootCertificates } from 'node:tls';
import { Certificate } from '../pki/certificate.js';
import type { LoadedCertificates } from '../pki/load-certificates.js';
import { decodePem } from '../pki/pem.js';

export const BUNDLED_SOURCE = 'bundled';

export function loadBundledTrust(): LoadedCertificates {
  const certificates = rootCertificates.flatMap((pem) => decodePem(pem).map((b) => Certificate.fromDer(b.der, BUNDLED_SOURCE)));
  return { certificates, warnings: [] };
}
