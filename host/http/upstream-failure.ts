/**
 * Upstream failures, named once: what each becomes downstream (status, short text body, Envoy
 * response flag, details for the access log) and what it tells the load balancer.
 */

export type FailureKind = 'no_route' | 'no_healthy_upstream' | 'connect_failure' | 'timeout' | 'reset';

/** How a failure is answered when no response has started yet. */
export interface FailureReply {
  readonly status: number;
  readonly body: string;
  /** Envoy response flag (StreamInfo.responseFlags). */
  readonly flag: string;
  readonly details: string;
}

/** One entry per kind; shared, never mutated. */
export const FAILURE_REPLIES: Readonly<Record<FailureKind, FailureReply>> = {
  no_route: { status: 404, body: 'no route', flag: 'NR', details: 'route_not_found' },
  no_healthy_upstream: { status: 503, body: 'no healthy upstream', flag: 'UH', details: 'no_healthy_upstream' },
  connect_failure: { status: 503, body: 'upstream connect error', flag: 'UF', details: 'upstream_connect_failure' },
  timeout: { status: 504, body: 'upstream request timeout', flag: 'UT', details: 'upstream_response_timeout' },
  reset: { status: 502, body: 'upstream reset', flag: 'UR', details: 'upstream_reset' },
};

/** Outcome reported to Cluster.onRequestEnd for a failed try. */
export type TryOutcome = 'connect_failure' | 'timeout' | 'reset';

/** Socket-level codes that mean the TCP connection to the endpoint was never made. */
const CONNECT_CODES = new Set([
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
  // A pool closed under the request (config reload, shutdown): nothing reached the endpoint.
  'UND_ERR_CLOSED',
  'UND_ERR_DESTROYED',
]);

/** Certificate verification failures (node / OpenSSL codes): the TLS connection was refused. */
const TLS_VERIFY_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/**
 * Classifies an undici error for one try. `dispatched`: undici had handed the request to a
 * connected socket (onConnect ran), so socket errors after that are resets, not connect failures.
 */
export function classifyUpstreamError(err: unknown, dispatched: boolean): TryOutcome {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string') {
    if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') return 'timeout';
    if (CONNECT_CODES.has(code)) return 'connect_failure';
    if (!dispatched && (TLS_VERIFY_CODES.has(code) || code.startsWith('ERR_SSL_'))) return 'connect_failure';
    if (!dispatched && (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE')) return 'connect_failure';
  }
  return 'reset';
}
