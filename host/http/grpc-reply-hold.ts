/**
 * A filter's local reply to a gRPC request (send_local_response, possibly with a grpc_status)
 * on its way to becoming a trailers-only gRPC reply. The filter manager sends such a reply as
 * HTTP headers, then its body; the body is the grpc-message, so the reply is held until the body
 * has arrived and then written as one HEADERS frame (HTTP 200, grpc-status, grpc-message).
 */
import { HeaderMap } from './header-map.js';
import { grpcReplyHeaders, grpcStatusForHttp } from './grpc.js';

/** True for response headers that already are a gRPC response (200, content-type application/grpc…). */
export function isGrpcResponse(h: HeaderMap): boolean {
  return h.get(':status') === '200' && (h.get('content-type') ?? '').startsWith('application/grpc');
}

export class GrpcReplyHold {
  private readonly body: Buffer[] = [];
  /** grpc-status: the filter's, else mapped from the HTTP status. */
  private readonly status: number;

  constructor(headers: HeaderMap) {
    const g = headers.get('grpc-status');
    const n = g === undefined ? NaN : Number(g);
    this.status = Number.isInteger(n) && n >= 0 && n <= 16 ? n : grpcStatusForHttp(Number(headers.get(':status') ?? 500));
  }

  push(chunk: Buffer): void {
    if (chunk.length > 0) this.body.push(chunk);
  }

  /** The trailers-only reply; `details` stands in for the message when the body was empty. */
  reply(details: string): HeaderMap {
    const text = this.body.length > 0 ? Buffer.concat(this.body).toString('utf8') : details;
    return new HeaderMap([':status', '200'].concat(grpcReplyHeaders(this.status, text)));
  }
}
