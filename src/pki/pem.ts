// PEM (RFC 7468) blocks: label and DER. Text outside blocks (OpenSSL's "subject=" headers,
// comments) is ignored, as every PEM reader does.

export interface PemBlock {
  readonly label: string;
  readonly der: Buffer;
  /** Headers such as `Proc-Type` and `DEK-Info` of legacy encrypted keys. */
  readonly headers: boolean;
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

export function decodePem(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  for (const m of text.matchAll(BLOCK)) {
    const body = m[2]!;
    const headers = body.includes(':');
    const base64 = headers ? body.slice(body.search(/\r?\n\r?\n/) + 1) : body;
    // Node's base64 decoder skips the line breaks itself.
    blocks.push({ label: m[1]!, der: Buffer.from(base64, 'base64'), headers });
  }
  return blocks;
}

export function looksLikePem(data: Buffer): boolean {
  return data.includes('-----BEGIN ');
}

export function encodePem(label: string, der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64').replace(/.{1,64}/g, '$&\n');
  return `-----BEGIN ${label}-----\n${b64}-----END ${label}-----\n`;
}
