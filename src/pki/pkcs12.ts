// The one adapter around node-forge: decoding PKCS#12 (.pfx/.p12), which node:crypto cannot
// read. forge handles OpenSSL 3's AES/PBKDF2 files and the legacy 3DES/RC2 ones. Everything
// else in rechain sees DER certificates and node KeyObjects, never forge objects.
import { createPrivateKey, type KeyObject } from 'node:crypto';
import forge from 'node-forge';

export interface Pkcs12Contents {
  /** DER certificates, in the order of the file's bags. */
  readonly certificates: Buffer[];
  readonly keys: KeyObject[];
}

export class Pkcs12Error extends Error {
  override name = 'Pkcs12Error';

  constructor(
    message: string,
    /** The MAC or a decryption failed: the password is wrong (or the file corrupt). */
    readonly wrongPassword: boolean,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

// forge signals a wrong password only through these messages (MAC check, PKCS#8 key bag,
// encrypted SafeContents); any other failure is a malformed file.
const WRONG_PASSWORD = /MAC could not be verified|wrong password|Failed to decrypt/i;

const KEY_BAGS = new Set([forge.pki.oids.keyBag, forge.pki.oids.pkcs8ShroudedKeyBag]);

// forge derives PBES2 keys (OpenSSL 3's default encryption) from the password's characters
// taken as Latin-1 bytes, where RFC 8018 and OpenSSL use UTF-8; the MAC and legacy PBE use
// BMP as they should. Same bytes for ASCII, but without this a non-ASCII password verifies the
// MAC and then fails to decrypt. Only this adapter uses forge, so the fix stays local to it.
interface ForgePbe {
  getCipherForPBES2(oid: string, params: unknown, password: string): unknown;
}
const pbe = (forge.pki as unknown as { pbe: ForgePbe }).pbe;
const getCipherForPBES2 = pbe.getCipherForPBES2;
pbe.getCipherForPBES2 = (oid, params, password) => getCipherForPBES2(oid, params, forge.util.encodeUtf8(password));

export function decodePkcs12(der: Buffer, password: string): Pkcs12Contents {
  try {
    const asn1 = forge.asn1.fromDer(forge.util.createBuffer(der.toString('binary')));
    // Not strict: Java and Windows write BER (indefinite lengths) inside the PFX.
    return contentsOf(forge.pkcs12.pkcs12FromAsn1(asn1, false, password));
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    throw new Pkcs12Error(message, WRONG_PASSWORD.test(message), { cause: e });
  }
}

function contentsOf(pfx: forge.pkcs12.Pkcs12Pfx): Pkcs12Contents {
  const certificates: Buffer[] = [];
  const keys: KeyObject[] = [];
  for (const safe of pfx.safeContents) {
    for (const bag of safe.safeBags) {
      if (bag.type === forge.pki.oids.certBag) certificates.push(certificateDer(bag));
      else if (KEY_BAGS.has(bag.type)) keys.push(privateKey(bag));
    }
  }
  return { certificates, keys };
}

function toBuffer(asn1: forge.asn1.Asn1): Buffer {
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
}

function certificateDer(bag: forge.pkcs12.Bag): Buffer {
  // forge parses RSA certificates only (bag.cert) and leaves others as ASN.1 (bag.asn1). For a
  // parsed one it keeps the original TBS, so re-encoding gives back the same DER.
  return toBuffer(bag.cert ? forge.pki.certificateToAsn1(bag.cert) : bag.asn1);
}

function privateKey(bag: forge.pkcs12.Bag): KeyObject {
  // Likewise forge builds RSA keys only; an EC or Ed25519 key stays a PrivateKeyInfo (PKCS#8).
  if (bag.key) return createPrivateKey({ key: toBuffer(forge.pki.privateKeyToAsn1(bag.key)), format: 'der', type: 'pkcs1' });
  return createPrivateKey({ key: toBuffer(bag.asn1), format: 'der', type: 'pkcs8' });
}
