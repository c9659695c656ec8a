/**
 * gRPC over the HTTP pipeline: what changes when a request's content-type is application/grpc.
 *
 * - Local replies (no route, upstream failure, timeout, a filter's send_local_response) become
 *   "trailers-only" responses: HTTP 200, content-type application/grpc, grpc-status and
 *   grpc-message in the one HEADERS frame, no body. A gRPC client reads the status from there;
 *   an HTTP 503 with a text body would surface as an opaque protocol error instead.
 * - `grpc-timeout` (the client's deadline) caps the route timeout for that request.
 *
 * Everything here is pure; nothing runs unless the request is gRPC.
 */
import type { LocalReply } from './local-reply.js';

/** gRPC status codes (grpc/doc/statuscodes.md) the gateway produces itself. */
export const GrpcStatus = {
  OK: 0,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

/**
 * The gRPC status for an HTTP status of a local reply. 504 is the gateway's own deadline, so it
 * is DEADLINE_EXCEEDED (a client may retry UNAVAILABLE but not a spent deadline); 429 is a rate
 * limit, RESOURCE_EXHAUSTED. The rest follows grpc's http-grpc-status-mapping.
 */
export function grpcStatusForHttp(status: number): number {
  switch (status) {
    case 200:
      return GrpcStatus.OK;
    case 400:
      return GrpcStatus.INTERNAL;
    case 401:
      return GrpcStatus.UNAUTHENTICATED;
    case 403:
      return GrpcStatus.PERMISSION_DENIED;
    case 404:
      return GrpcStatus.UNIMPLEMENTED;
    case 408:
    case 504:
      return GrpcStatus.DEADLINE_EXCEEDED;
    case 413:
    case 429:
      return GrpcStatus.RESOURCE_EXHAUSTED;
    case 502:
    case 503:
      return GrpcStatus.UNAVAILABLE;
    default:
      return GrpcStatus.UNKNOWN;
  }
}

/** grpc-message is percent-encoded: bytes outside printable ASCII, and '%' itself (gRPC PROTOCOL-HTTP2). */
export function encodeGrpcMessage(text: string): string {
  let plain = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x25) {
      plain = false;
      break;
    }
  }
  if (plain) return text;
  let out = '';
  for (const b of Buffer.from(text, 'utf8')) {
    out += b < 0x20 || b > 0x7e || b === 0x25 ? `%${b.toString(16).toUpperCase().padStart(2, '0')}` : String.fromCharCode(b);
  }
  return out;
}

/** The headers of a trailers-only reply (flat, lower-case names). */
export function grpcReplyHeaders(grpcStatus: number, message: string): string[] {
  const h = ['content-type', 'application/grpc', 'grpc-status', String(grpcStatus)];
  if (message !== '') h.push('grpc-message', encodeGrpcMessage(message));
  return h;
}

/** A local reply rewritten as a trailers-only gRPC reply; the text body becomes grpc-message. */
export function grpcLocalReply(r: LocalReply): LocalReply {
  const message = r.body.length > 0 ? r.body.toString('utf8') : '';
  return { status: 200, headers: grpcReplyHeaders(grpcStatusForHttp(r.status), message), body: EMPTY };
}

const EMPTY = Buffer.alloc(0);

const UNIT_MS: Readonly<Record<string, number>> = { H: 3_600_000, M: 60_000, S: 1000, m: 1, u: 0.001, n: 0.000001 };

/**
 * A grpc-timeout value ("100m", "5S": 1–8 digits and a unit H M S m u n) in ms, rounded up so
 * a tiny deadline never becomes "no timeout"; undefined when malformed (then it is ignored).
 */
export function parseGrpcTimeout(value: string): number | undefined {
  const n = value.length;
  if (n < 2 || n > 9) return undefined;
  const unit = UNIT_MS[value[n - 1]!];
  if (unit === undefined) return undefined;
  let v = 0;
  for (let i = 0; i < n - 1; i++) {
    const d = value.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return undefined;
    v = v * 10 + d;
  }
  return Math.max(1, Math.ceil(v * unit));
}

/** The request's effective timeout: the route's (0 = none), capped by a valid grpc-timeout. */
export function effectiveTimeoutMs(routeTimeoutMs: number, grpcTimeout: string): number {
  if (grpcTimeout === '') return routeTimeoutMs;
  const g = parseGrpcTimeout(grpcTimeout);
  if (g === undefined) return routeTimeoutMs;
  return routeTimeoutMs > 0 ? Math.min(routeTimeoutMs, g) : g;
}
