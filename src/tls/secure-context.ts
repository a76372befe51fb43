// TLS contexts, built off the hot path when a chain is (re)computed. Every context carries the
// process's session-ticket keys, so resumption survives reloads and SNI switches (DESIGN §8).
import { randomBytes, type KeyObject } from 'node:crypto';
import tls from 'node:tls';
import type { Certificate } from '../pki/certificate.js';

export interface TlsVersions {
  readonly minVersion: tls.SecureVersion;
  readonly maxVersion: tls.SecureVersion;
  readonly ciphers?: string | undefined;
}

export interface ContextInput extends TlsVersions {
  readonly key: KeyObject;
  /** Leaf first, then the intermediates to send; never the anchor. */
  readonly chain: readonly Certificate[];
  /** Client-certificate anchors (PEM) when the listener asks for client certificates. */
  readonly clientCa?: readonly string[] | undefined;
}

/** 48 bytes: HMAC and AES keys plus a name. One set for the process's lifetime. */
export function generateTicketKeys(): Buffer {
  return randomBytes(48);
}

export function contextOptions(input: ContextInput, ticketKeys: Buffer): tls.SecureContextOptions & { ticketKeys: Buffer } {
  return {
    key: input.key.export({ format: 'pem', type: 'pkcs8' }),
    cert: input.chain.map((c) => c.toPem()).join(''),
    minVersion: input.minVersion,
    maxVersion: input.maxVersion,
    ...(input.ciphers ? { ciphers: input.ciphers } : {}),
    ...(input.clientCa ? { ca: [...input.clientCa] } : {}),
    ticketKeys,
  };
}

export function buildSecureContext(input: ContextInput, ticketKeys: Buffer): tls.SecureContext {
  const options = contextOptions(input, ticketKeys);
  const context = tls.createSecureContext(options);
  // createSecureContext ignores ticketKeys; the native context takes them directly, as
  // tls.Server#setTicketKeys does for its own context.
  (context as unknown as { context: { setTicketKeys(keys: Buffer): void } }).context.setTicketKeys(ticketKeys);
  return context;
}
