// The reason a TLS handshake failed, from the error of the failed socket (DESIGN §7). A client
// that rejects our chain sends an alert; OpenSSL reports it as ..._ALERT_<NAME>, which is the
// reason operators need to see.

export type HandshakeFailureReason =
  | 'unknown_ca'
  | 'bad_certificate'
  | 'certificate_unknown'
  | 'certificate_expired'
  | 'client_cert_missing'
  | 'client_cert_rejected'
  | 'no_shared_cipher'
  | 'handshake_failure'
  | 'protocol_version'
  | 'timeout'
  | 'reset'
  | 'other';

const BY_CODE: Record<string, HandshakeFailureReason> = {
  ERR_SSL_TLSV1_ALERT_UNKNOWN_CA: 'unknown_ca',
  ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE: 'bad_certificate',
  ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN: 'certificate_unknown',
  ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED: 'certificate_expired',
  ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE: 'client_cert_missing',
  ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED: 'client_cert_missing',
  ERR_SSL_CERTIFICATE_VERIFY_FAILED: 'client_cert_rejected',
  ERR_SSL_NO_SHARED_CIPHER: 'no_shared_cipher',
  // The peer's generic alert: no common cipher or version, or (TLS 1.2) a client certificate it wanted.
  ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE: 'handshake_failure',
  ERR_SSL_UNSUPPORTED_PROTOCOL: 'protocol_version',
  ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION: 'protocol_version',
  ERR_SSL_WRONG_VERSION_NUMBER: 'protocol_version',
  ERR_SSL_VERSION_TOO_LOW: 'protocol_version',
  ERR_SSL_NO_PROTOCOLS_AVAILABLE: 'protocol_version',
  ERR_TLS_HANDSHAKE_TIMEOUT: 'timeout',
  ECONNRESET: 'reset',
  EPIPE: 'reset',
};

/** An error that is a TLS alert or a local TLS failure, as opposed to a socket error. */
export function isTlsError(error: unknown): boolean {
  const code = (error as { code?: string } | undefined)?.code ?? '';
  return code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_');
}

export function handshakeFailureReason(error: unknown): HandshakeFailureReason {
  const e = error as { code?: string; message?: string } | undefined;
  const byCode = e?.code ? BY_CODE[e.code] : undefined;
  if (byCode) return byCode;
  const message = e?.message ?? '';
  if (/handshake timeout/i.test(message)) return 'timeout';
  if (/socket hang up|ECONNRESET/i.test(message)) return 'reset';
  const alert = /alert (unknown ca|bad certificate|certificate unknown)/i.exec(message)?.[1];
  if (alert) return alert.toLowerCase().replace(' ', '_') as HandshakeFailureReason;
  return 'other';
}
