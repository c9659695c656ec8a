/**
 * What is known about one request as it flows: filled in by the connection manager, router and
 * upstream as they act, read by the access log, metrics and proxy-wasm properties. One plain
 * object per request, allocated once; fields are set, never re-created.
 */
export interface StreamInfo {
  /** Monotonic start (performance.now()) and wall-clock start (ms since epoch). */
  startTime: number;
  startWallMs: number;
  requestId: string;
  listenerName: string;
  /** "HTTP/1.0" | "HTTP/1.1" | "HTTP/2". */
  protocol: string;
  scheme: 'http' | 'https';
  connectionId: number;
  downstreamRemoteAddress: string;
  downstreamRemotePort: number;
  downstreamLocalAddress: string;
  downstreamLocalPort: number;
  method: string;
  /** Request-target as received (path + query). */
  path: string;
  authority: string;
  routeName: string | undefined;
  virtualHostName: string | undefined;
  clusterName: string | undefined;
  /** host:port of the endpoint that served the last try. */
  upstreamHost: string | undefined;
  upstreamAttempts: number;
  /** Response status sent downstream (0 until headers are sent). */
  responseCode: number;
  /** Envoy-style response flags: UF (upstream connect failure), UT (timeout), UR (reset),
   *  NR (no route), UH (no healthy upstream), DC (downstream closed), LR (local reply),
   *  URX (retry limit exceeded), RL (rate limited), DPE (downstream protocol error). Space-separated
   *  in the log. */
  responseFlags: string[];
  /** Short reason behind a local reply or failure, e.g. "upstream_connect_failure". */
  responseCodeDetails: string | undefined;
  bytesReceived: number;
  bytesSent: number;
  /** Time from start to upstream response headers, ms; -1 if none. */
  upstreamLatencyMs: number;
  /** Properties set by filters (proxy_set_property), keyed by path. */
  filterState: Map<string, Uint8Array> | undefined;
  /**
   * The downstream connection's TLS facts (proxy-wasm `connection.*`), one object per
   * connection shared by its requests; undefined on cleartext connections.
   */
  downstreamTls?: DownstreamTlsInfo | undefined;
}

/**
 * What is known about a downstream TLS connection, filled once per connection by the listener
 * (host/tls/connection-tls.ts). On TLS passthrough only `requestedServerName` and `alpn` (from
 * the ClientHello) are known; the rest stay empty.
 */
export interface DownstreamTlsInfo {
  /** SNI the client sent ('' when none). */
  readonly requestedServerName: string;
  /** Negotiated protocol version, e.g. "TLSv1.3" ('' when not terminated here). */
  readonly version: string;
  /** Negotiated ALPN protocol ('' when none). */
  readonly alpn: string;
  /** The client presented a certificate that verified against client_ca_file. */
  readonly mtls: boolean;
  /** Peer certificate subject (RFC 2253, e.g. "CN=client,O=Example"); '' without one. */
  readonly peerSubject: string;
  readonly peerDnsSans: readonly string[];
  readonly peerUriSans: readonly string[];
  /** SHA-256 of the peer certificate's DER, lower-case hex; '' without one. */
  readonly peerSha256: string;
  /** Peer certificate, PEM ('' without one). */
  readonly peerCertificatePem: string;
  /** Subject of the certificate this listener presented. */
  readonly localSubject: string;
  readonly localDnsSans: readonly string[];
  readonly localUriSans: readonly string[];
}

export function newStreamInfo(listenerName: string): StreamInfo {
  return {
    startTime: performance.now(),
    startWallMs: Date.now(),
    requestId: '',
    listenerName,
    protocol: 'HTTP/1.1',
    scheme: 'http',
    connectionId: 0,
    downstreamRemoteAddress: '',
    downstreamRemotePort: 0,
    downstreamLocalAddress: '',
    downstreamLocalPort: 0,
    method: '',
    path: '',
    authority: '',
    routeName: undefined,
    virtualHostName: undefined,
    clusterName: undefined,
    upstreamHost: undefined,
    upstreamAttempts: 0,
    responseCode: 0,
    responseFlags: [],
    responseCodeDetails: undefined,
    bytesReceived: 0,
    bytesSent: 0,
    upstreamLatencyMs: -1,
    filterState: undefined,
    downstreamTls: undefined,
  };
}

/** `ip:port`, with an IPv6 ip in brackets (`[::1]:8080`) as Envoy writes socket addresses. */
export function socketAddressText(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}
