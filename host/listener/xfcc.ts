/**
 * x-forwarded-client-cert (Envoy's forward_client_cert_details) for HTTP chains that terminate
 * TLS: a 'request' listener is added only when the chain asks for it, so other chains pay
 * nothing per request. It edits rawHeaders, which is what the connection manager forwards.
 *
 * - sanitize: drop any incoming header;
 * - forward_only: pass an incoming header through, add nothing;
 * - append_forward: append this connection's element to the incoming value (if the client sent a certificate);
 * - sanitize_set: replace any incoming header with this connection's element.
 */
import type { IncomingMessage } from 'node:http';
import type { ForwardClientCert } from '../config/types.js';
import type { DownstreamTlsInfo } from '../http/stream-info.js';
import { xfccElement } from '../tls/connection-tls.js';

const XFCC = 'x-forwarded-client-cert';

/** A 'request' listener (prepended, so it runs before the connection manager) for `mode`. */
export function xfccRequestListener(mode: ForwardClientCert, tlsOf: (socket: unknown) => DownstreamTlsInfo | undefined): (req: IncomingMessage) => void {
  return (req) => {
    if (mode === 'forward_only') return;
    const raw = req.rawHeaders;
    let incoming: string | undefined;
    for (let i = raw.length - 2; i >= 0; i -= 2) {
      if (raw[i]!.toLowerCase() === XFCC) {
        incoming = incoming === undefined ? raw[i + 1]! : `${raw[i + 1]!},${incoming}`;
        raw.splice(i, 2);
      }
    }
    const info = tlsOf(req.socket);
    const mine = info ? xfccElement(info) : undefined;
    const value = mode === 'append_forward'
      ? [incoming, mine].filter((v) => v !== undefined).join(',')
      : mode === 'sanitize_set' ? mine ?? '' : '';
    if (value !== '') raw.push(XFCC, value);
  };
}
