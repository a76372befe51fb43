// What an HTTP client receives when the backend fails before answering: 502 or 504 with a short
// JSON body. Bodies are built once at load; no backend detail (address, errno) reaches the client.
// Used by the HTTP forwarder only; must not import config or the chain engine.
import type { ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { BackendErrorReason } from './backend.js';

interface GatewayResponse {
  readonly status: 502 | 504;
  readonly body: Buffer;
  /** The whole response, for an upgrade request whose socket is no longer HTTP-managed. */
  readonly raw: Buffer;
}

function gatewayResponse(status: 502 | 504, message: string): GatewayResponse {
  const error = status === 502 ? 'bad_gateway' : 'gateway_timeout';
  const body = Buffer.from(JSON.stringify({ error, message }));
  const statusLine = status === 502 ? '502 Bad Gateway' : '504 Gateway Timeout';
  const head = `HTTP/1.1 ${statusLine}\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n`;
  return { status, body, raw: Buffer.concat([Buffer.from(head, 'latin1'), body]) };
}

const RESPONSES: Readonly<Record<BackendErrorReason, GatewayResponse>> = {
  connect_refused: gatewayResponse(502, 'the backend refused the connection'),
  connect_timeout: gatewayResponse(504, 'the backend did not accept the connection in time'),
  response_timeout: gatewayResponse(504, 'the backend did not respond in time'),
  idle_timeout: gatewayResponse(504, 'the backend went idle'),
  reset: gatewayResponse(502, 'the backend closed the connection'),
  other: gatewayResponse(502, 'the backend could not be reached'),
};

/** Answer with the gateway error, or cut the response if its head has already gone out. */
export function sendGatewayError(res: ServerResponse, reason: BackendErrorReason): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const response = RESPONSES[reason];
  res.writeHead(response.status, { 'content-type': 'application/json', 'content-length': response.body.length });
  res.end(response.body);
}

/** The same answer written raw on the socket of an upgrade request that never upgraded. */
export function writeRawGatewayError(socket: Duplex, reason: BackendErrorReason): void {
  if (socket.writable) socket.write(RESPONSES[reason].raw);
}
