// Throwaway PKIs, generated at run time: the demo's replay of 2021 and every test's
// certificates. Nothing generated here is meant to protect anything.
import { randomBytes, webcrypto, KeyObject } from 'node:crypto';

type CryptoKeyPair = webcrypto.CryptoKeyPair;
import { Certificate } from './certificate.js';
import { encodePem } from './pem.js';
import { x509 as peculiar, type X509 } from './x509.js';

export type KeyAlgorithm = 'ec-p256' | 'ec-p384' | 'rsa-2048' | 'ed25519';

export interface KeyPair {
  readonly algorithm: KeyAlgorithm;
  readonly pair: CryptoKeyPair;
}

export interface Issued {
  readonly certificate: Certificate;
  readonly key: KeyPair;
  /** The certificate, PEM. */
  readonly pem: string;
  /** The private key, PKCS#8 PEM. */
  readonly keyPem: string;
}

export interface IssueSpec {
  /** A common name (`R3`) or a whole DN (`CN=R3, O=Let's Encrypt, C=US`). */
  readonly subject: string;
  /** The signer; omitted for a self-signed certificate. */
  readonly issuer?: Issued | undefined;
  /** Reuse a key (cross-signs and re-issues keep the key); a new one otherwise. */
  readonly key?: KeyPair | undefined;
  readonly algorithm?: KeyAlgorithm | undefined;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly ca?: boolean | undefined;
  readonly pathLen?: number | undefined;
  /** subjectAltName entries: DNS names, IP addresses, URIs (`spiffe://...`) and emails. */
  readonly names?: readonly string[] | undefined;
  /** Extended key usages; leaves default to serverAuth + clientAuth, CAs to none. */
  readonly eku?: readonly ('serverAuth' | 'clientAuth')[] | undefined;
  readonly permittedDns?: readonly string[] | undefined;
  readonly excludedDns?: readonly string[] | undefined;
  /** Override the signature hash (e.g. SHA-1 to test the algorithm floor). */
  readonly hash?: 'SHA-1' | 'SHA-256' | 'SHA-384' | undefined;
  readonly serial?: string | undefined;
  /** authorityInfoAccess caIssuers URLs (where a client may fetch the issuer). */
  readonly caIssuers?: readonly string[] | undefined;
}

const PARAMS: Record<KeyAlgorithm, webcrypto.RsaHashedKeyGenParams | webcrypto.EcKeyGenParams | webcrypto.Algorithm> = {
  'ec-p256': { name: 'ECDSA', namedCurve: 'P-256' },
  'ec-p384': { name: 'ECDSA', namedCurve: 'P-384' },
  'rsa-2048': { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
  ed25519: { name: 'Ed25519' },
};

const subtle = webcrypto.subtle;

export async function generateKey(algorithm: KeyAlgorithm = 'ec-p256'): Promise<KeyPair> {
  const pair = (await subtle.generateKey(PARAMS[algorithm] as webcrypto.EcKeyGenParams, true, ['sign', 'verify'])) as CryptoKeyPair;
  return { algorithm, pair };
}

function signingAlgorithm(algorithm: KeyAlgorithm, hash: string): webcrypto.Algorithm {
  switch (algorithm) {
    case 'ec-p256':
    case 'ec-p384':
      return { name: 'ECDSA', hash } as webcrypto.EcdsaParams;
    case 'rsa-2048':
      return { name: 'RSASSA-PKCS1-v1_5', hash } as webcrypto.Algorithm;
    case 'ed25519':
      return { name: 'Ed25519' };
  }
}

function toDn(subject: string): string {
  return subject.includes('=') ? subject : `CN=${subject}`;
}

function sanEntries(names: readonly string[]): X509.JsonGeneralNames {
  return names.map((n) => {
    if (n.includes('://')) return { type: 'url' as const, value: n };
    if (n.includes('@')) return { type: 'email' as const, value: n };
    if (/^[\d.]+$|:/.test(n)) return { type: 'ip' as const, value: n };
    return { type: 'dns' as const, value: n };
  });
}

const EKU_OIDS = { serverAuth: '1.3.6.1.5.5.7.3.1', clientAuth: '1.3.6.1.5.5.7.3.2' } as const;

export async function issue(spec: IssueSpec): Promise<Issued> {
  const x509 = peculiar();
  const key = spec.key ?? (await generateKey(spec.algorithm));
  const signer = spec.issuer?.key ?? key;
  const ca = spec.ca ?? false;
  const extensions: X509.Extension[] = [
    new x509.BasicConstraintsExtension(ca, spec.pathLen, true),
    new x509.KeyUsagesExtension(
      ca ? x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign : x509.KeyUsageFlags.digitalSignature,
      true,
    ),
    await x509.SubjectKeyIdentifierExtension.create(key.pair.publicKey),
    await x509.AuthorityKeyIdentifierExtension.create(signer.pair.publicKey),
  ];
  const eku = spec.eku ?? (ca ? [] : ['serverAuth', 'clientAuth']);
  if (eku.length > 0) extensions.push(new x509.ExtendedKeyUsageExtension(eku.map((e) => EKU_OIDS[e])));
  if (spec.names && spec.names.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(sanEntries(spec.names)));
  if (spec.permittedDns || spec.excludedDns) extensions.push(nameConstraintsExtension(spec.permittedDns ?? [], spec.excludedDns ?? []));
  if (spec.caIssuers) extensions.push(new x509.AuthorityInfoAccessExtension({ caIssuers: spec.caIssuers.map((url) => new x509.GeneralName('url', url)) }));

  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: spec.serial ?? `01${randomBytes(15).toString('hex')}`,
    subject: toDn(spec.subject),
    // The issuer's subject bytes, exactly: a re-encoded name would not chain.
    issuer: spec.issuer ? new x509.Name(spec.issuer.certificate.raw.subjectDer) : toDn(spec.subject),
    notBefore: spec.notBefore,
    notAfter: spec.notAfter,
    publicKey: key.pair.publicKey,
    signingKey: signer.pair.privateKey,
    signingAlgorithm: signingAlgorithm(signer.algorithm, spec.hash ?? 'SHA-256'),
    extensions,
  });
  const certificate = Certificate.fromDer(Buffer.from(cert.rawData));
  return { certificate, key, pem: certificate.toPem(), keyPem: await privateKeyPem(key) };
}

export async function privateKeyPem(key: KeyPair): Promise<string> {
  return encodePem('PRIVATE KEY', Buffer.from(await subtle.exportKey('pkcs8', key.pair.privateKey)));
}

export function privateKeyObject(key: KeyPair): KeyObject {
  return KeyObject.from(key.pair.privateKey);
}

function nameConstraintsExtension(permitted: readonly string[], excluded: readonly string[]): X509.Extension {
  // GeneralSubtrees of dNSName bases, encoded by hand: @peculiar/x509 has no builder for them.
  const subtrees = (names: readonly string[], tag: number): Buffer => {
    const items = names.map((n) => {
      const name = Buffer.concat([Buffer.from([0x82, n.length]), Buffer.from(n, 'latin1')]);
      return Buffer.concat([Buffer.from([0x30, name.length]), name]);
    });
    const body = Buffer.concat(items);
    return Buffer.concat([Buffer.from([tag, body.length]), body]);
  };
  const parts = [permitted.length ? subtrees(permitted, 0xa0) : Buffer.alloc(0), excluded.length ? subtrees(excluded, 0xa1) : Buffer.alloc(0)];
  const body = Buffer.concat(parts);
  return new (peculiar().Extension)('2.5.29.30', true, Buffer.concat([Buffer.from([0x30, body.length]), body]));
}
