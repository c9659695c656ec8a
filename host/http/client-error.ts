/**
 * Requests node:http could not parse never reach the connection manager: llhttp reports them as
 * 'clientError' with the socket. This answers with a proper status where the socket can still
 * take one (400 malformed, 431 headers too large, 408 too slow) and always closes the connection,
 * since the byte stream can no longer be trusted to frame a next request.
 */
import type { Socket } from 'node:net';
import type { GatewayMetrics } from '../observability/contract.js';

const REASONS: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  431: 'Request Header Fields Too Large',
};

/** Status for a node:http client error code. */
export function clientErrorStatus(code: string | undefined): number {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return 431;
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return 408;
    default:
      return 400;
  }
}

type SocketWithMessage = Socket & { _httpMessage?: { headersSent?: boolean } | null };

/** The 'clientError' listener for one listener's server. */
export function clientErrorHandler(listenerName: string, metrics: () => GatewayMetrics): (err: Error, socket: Socket) => void {
  return (err, socket) => {
    const code = (err as { code?: string }).code;
    // The peer went away, or half a request was cut off: nobody to answer.
    if (code === 'ECONNRESET' || code === 'HPE_INVALID_EOF_STATE' || !socket.writable) {
      socket.destroy();
      return;
    }
    // A response of an earlier (pipelined) request is mid-flight: a new status line can't follow.
    const inFlight = (socket as SocketWithMessage)._httpMessage;
    if (inFlight && inFlight.headersSent) {
      socket.destroy();
      return;
    }
    const status = clientErrorStatus(code);
    const body = `${REASONS[status]!.toLowerCase()}\n`;
    metrics().downstreamRequest(listenerName, status, 0);
    socket.end(
      `HTTP/1.1 ${status} ${REASONS[status]}\r\ncontent-type: text/plain\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`,
    );
    // end() flushes then closes; destroy a peer that never reads so the socket can't linger.
    socket.setTimeout(5000, () => socket.destroy());
  };
}
