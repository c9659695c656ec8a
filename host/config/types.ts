/**
 * The Sluice configuration contract (YAML or JSON). Keys are snake_case, as in Envoy and MOSN.
 * The keys named in ../shared/DESIGN.md are a contract relied on outside the project:
 * extend freely, rename nothing. The JSON Schema in ./schema is the source of truth for
 * validation; these types mirror it and are what the rest of the host consumes after load.
 *
 * Durations are strings with a unit: "250ms", "5s", "1.5m", "1h". They are parsed once at load
 * (see ./duration.ts); nothing on the data path parses config.
 */

export type Duration = string;

export interface SluiceConfig {
  admin?: AdminConfig;
  /** Worker processes sharing the listeners (node:cluster). Default: one per core; 1 runs without a fork. */
  workers?: number;
  /** Default access log for every listener that does not set its own. */
  access_log?: AccessLogConfig;
  listeners: ListenerConfig[];
  route_configs?: RouteConfig[];
  clusters?: ClusterConfig[];
}

export interface AdminConfig {
  /** host:port; `admin: {}` gets 127.0.0.1:9901 (the loader fills it in, so it is always set after loading). */
  address: string;
}

export interface AccessLogConfig {
  /** "stdout", "stderr" or a file path (appended to). */
  path: string;
  disabled?: boolean;
}

export interface ListenerConfig {
  name: string;
  /** host:port, e.g. 127.0.0.1:8080; port 0 binds an ephemeral port (tests). */
  address: string;
  /** Stream (L7) filters in request order. */
  http_filters?: HttpFilterConfig[];
  /**
   * Name of an entry in route_configs: the listener's implicit HTTP filter chain. Required unless
   * the listener has `tcp_proxy` or `filter_chains` (then it is the default chain, if present).
   */
  route_config?: string;
  limits?: ListenerLimits;
  access_log?: AccessLogConfig;
  /** How long in-flight requests may take to finish on shutdown or listener removal. Default 15s. */
  drain_timeout?: Duration;
  /** TLS termination for the implicit chain. */
  tls?: TlsConfig;
  /** Network (L4) wasm filters of the implicit chain, in front of its HTTP codec or tcp_proxy. */
  network_filters?: NetworkFilterConfig[];
  /** Raw TCP proxying for the implicit chain (instead of route_config). */
  tcp_proxy?: TcpProxyConfig;
  /**
   * Chains chosen per connection by SNI / ALPN (Envoy's filter_chain_match), first match wins,
   * most specific server name first. The listener-level chain (route_config or tcp_proxy, with
   * its tls / network_filters / http_filters) is the default when none matches.
   */
  filter_chains?: FilterChainConfig[];
  /** How long to wait for a TLS ClientHello when chains match on SNI / ALPN. Default 10s. */
  inspector_timeout?: Duration;
  /** Cleartext protocol: auto (HTTP/1.1, or h2c when the client sends the HTTP/2 preface), http1, http2. Default auto. */
  codec?: 'auto' | 'http1' | 'http2';
  /** HTTP/2 downstream limits. */
  http2?: Http2Settings;
  /**
   * Resolve `.`/`..` segments and percent-decode unreserved characters in request paths before
   * routing, and forward the result (as Envoy's `normalize_path`). Default true.
   */
  normalize_path?: boolean;
}

/** HTTP/2 downstream settings and abuse limits (per connection). */
export interface Http2Settings {
  /** SETTINGS_MAX_CONCURRENT_STREAMS. Default 100. */
  max_concurrent_streams?: number;
  /** SETTINGS_INITIAL_WINDOW_SIZE in bytes. Default 1 MiB. */
  initial_stream_window_size?: number;
  /** Connection flow-control window in bytes. Default 4 MiB. */
  initial_connection_window_size?: number;
  /** Streams the client may reset early within early_reset_window before GOAWAY (CVE-2023-44487). Default 100. */
  max_early_resets?: number;
  /** Default 10s. */
  early_reset_window?: Duration;
  /** Invalid frames tolerated per session. Default 100. */
  max_invalid_frames?: number;
  /** Refused streams tolerated per session. Default 100. */
  max_rejected_streams?: number;
  /** A stream with no frame either way for this long is reset. Default 5m; `0s` never. */
  stream_idle_timeout?: Duration;
}

/** One filter chain of a listener: optional TLS, network filters, then one terminal. */
export interface FilterChainConfig {
  /** For logs and metrics. Default `chain<index>`. */
  name?: string;
  match?: FilterChainMatchConfig;
  /** Terminate TLS; absent on a tcp_proxy chain with server_names = TLS passthrough. */
  tls?: TlsConfig;
  network_filters?: NetworkFilterConfig[];
  /** Exactly one of tcp_proxy and route_config. */
  tcp_proxy?: TcpProxyConfig;
  route_config?: string;
  /** HTTP stream filters (only with route_config). */
  http_filters?: HttpFilterConfig[];
}

export interface FilterChainMatchConfig {
  /** SNI names: exact (`api.example.com`) or leading wildcard (`*.example.com`). */
  server_names?: string[];
  /** ALPN protocols the client offers (any of). */
  alpn?: string[];
  /** `tls` (a ClientHello arrived) or `raw_buffer` (anything else). */
  transport_protocol?: 'tls' | 'raw_buffer';
}

export type TlsVersion = 'TLSv1.2' | 'TLSv1.3';
export type ClientCertificateMode = 'none' | 'optional' | 'required';
export type ForwardClientCert = 'sanitize' | 'forward_only' | 'append_forward' | 'sanitize_set';

/** Downstream TLS (termination). Files are read at load and re-read when they change. */
export interface TlsConfig {
  /** One certificate (with key_file); or use `certificates`. */
  cert_file?: string;
  key_file?: string;
  /** Several certificates chosen by SNI; the first is the default. */
  certificates?: TlsCertificateConfig[];
  /** ALPN protocols offered, in preference order. Default [h2, http/1.1] (HTTP), none (tcp_proxy). */
  alpn?: string[];
  /** Default TLSv1.2. */
  min_version?: TlsVersion;
  /** OpenSSL cipher list (TLS 1.2). Default Node's. */
  ciphers?: string;
  /** CA bundle for client certificates. */
  client_ca_file?: string;
  /** Default `required` when client_ca_file is set, else `none`. */
  client_certificate?: ClientCertificateMode;
  /** x-forwarded-client-cert handling (HTTP chains), as Envoy. Default: header left as received. */
  forward_client_cert?: ForwardClientCert;
  /** Time allowed for the handshake. Default 10s. */
  handshake_timeout?: Duration;
}

export interface TlsCertificateConfig {
  cert_file: string;
  key_file: string;
  /** SNI names this certificate serves (exact or `*.example.com`). Default: its own. */
  server_names?: string[];
}

export interface TcpProxyConfig {
  /** Name of an entry in clusters; its lb_policy and connect_timeout apply. */
  cluster: string;
  /** Close both sides after this long without bytes either way. Default 1h; 0s disables. */
  idle_timeout?: Duration;
}

export interface NetworkFilterConfig {
  name: string;
  wasm: WasmFilterConfig;
}

export interface ListenerLimits {
  /** Max total size of the request line and headers, KiB. Default 60 (Envoy). Over it: 431. */
  max_request_headers_kb?: number;
  /** Time to receive the complete request headers. Default 10s. */
  headers_timeout?: Duration;
  /** Time to receive the whole request. Default 300s. */
  request_timeout?: Duration;
  /** Keep-alive idle time before the connection is closed. Default 60s. */
  idle_timeout?: Duration;
  /** Concurrent downstream connections; 0 = unlimited. Default 0. */
  max_connections?: number;
  /** Bytes a filter may buffer per stream (StopIterationAndBuffer). Default 1 MiB (Envoy). */
  per_connection_buffer_limit_bytes?: number;
}

export type FailurePolicy = 'fail_open' | 'fail_closed' | 'fail_reload';

export interface HttpFilterConfig {
  name: string;
  wasm: WasmFilterConfig;
}

export interface WasmFilterConfig {
  /** Path to a proxy-wasm module, relative to the config file. */
  file: string;
  /** Root context id the module registers. Default: "" (as Envoy). */
  root_id?: string;
  /** VM id: filters with the same vm_id share shared-data and queues. Default: '' (as Envoy): filters without one share. */
  vm_id?: string;
  /** Plugin configuration: a string, or a map sent to the module as JSON. */
  configuration?: string | Record<string, unknown>;
  /** VM configuration (proxy_on_vm_start), same encoding as configuration. */
  vm_configuration?: string | Record<string, unknown>;
  failure_policy?: FailurePolicy;
  /** Linear memory cap per VM in MiB. Default 64. */
  memory_limit_mb?: number;
  /** CPU time a single callback may take before it is stopped and counted as a trap. Default 100ms. */
  callback_timeout?: Duration;
  /** Environment variables the module sees through WASI (nothing else of the host's env). */
  environment_variables?: Record<string, string>;
}

export interface RouteConfig {
  name: string;
  virtual_hosts: VirtualHostConfig[];
}

export interface VirtualHostConfig {
  name: string;
  /** Host / :authority patterns: exact ("api.example.com"), suffix wildcard ("*.example.com"),
   *  prefix wildcard ("api.*") or "*". Port in the Host header is ignored unless the domain has one. */
  domains: string[];
  routes: RouteEntryConfig[];
  request_headers_to_add?: HeaderValueOption[];
  request_headers_to_remove?: string[];
  response_headers_to_add?: HeaderValueOption[];
  response_headers_to_remove?: string[];
  /**
   * Filter settings for every route of this virtual host, keyed by http_filters[].name. A
   * route's own entry for the same filter replaces this one as a whole (most specific wins).
   */
  filters?: Record<string, RouteFilterOverride>;
}

export interface RouteEntryConfig {
  name?: string;
  match: RouteMatchConfig;
  /** Exactly one of route, redirect, direct_response. */
  route?: RouteActionConfig;
  redirect?: RedirectConfig;
  direct_response?: DirectResponseConfig;
  request_headers_to_add?: HeaderValueOption[];
  request_headers_to_remove?: string[];
  response_headers_to_add?: HeaderValueOption[];
  response_headers_to_remove?: string[];
  /** Per-route filter settings, keyed by http_filters[].name. */
  filters?: Record<string, RouteFilterOverride>;
}

export interface RouteFilterOverride {
  disabled?: boolean;
  configuration?: string | Record<string, unknown>;
}

export interface RouteMatchConfig {
  /** Exactly one of prefix, path, safe_regex (regex over the path without query, fully anchored). */
  prefix?: string;
  path?: string;
  safe_regex?: string;
  /** Default true. */
  case_sensitive?: boolean;
  methods?: string[];
  headers?: HeaderMatcherConfig[];
  query_parameters?: QueryParameterMatcherConfig[];
}

export interface HeaderMatcherConfig {
  name: string;
  /** At most one of exact, present, regex; none means present: true. */
  exact?: string;
  present?: boolean;
  regex?: string;
  invert?: boolean;
}

export interface QueryParameterMatcherConfig {
  name: string;
  exact?: string;
  present?: boolean;
  regex?: string;
}

export interface RouteActionConfig {
  /** Exactly one of cluster, weighted_clusters. */
  cluster?: string;
  weighted_clusters?: { clusters: { name: string; weight: number }[] };
  prefix_rewrite?: string;
  regex_rewrite?: { pattern: string; substitution: string };
  host_rewrite?: string;
  /** Whole upstream request, all tries. Default 15s (Envoy); "0s" disables. */
  timeout?: Duration;
  retry_policy?: RetryPolicyConfig;
  hash_policy?: HashPolicyConfig[];
}

export type RetryOn = '5xx' | 'gateway-error' | 'connect-failure' | 'reset' | 'retriable-4xx';

export interface RetryPolicyConfig {
  /** Comma-separated string (Envoy) or list of RetryOn conditions. */
  retry_on: string | RetryOn[];
  /** Default 1. */
  num_retries?: number;
  per_try_timeout?: Duration;
  retry_back_off?: { base_interval?: Duration; max_interval?: Duration };
}

export interface HashPolicyConfig {
  header?: { header_name: string };
  connection_properties?: { source_ip: boolean };
  cookie?: { name: string };
  /** Stop at this policy when it produced a hash. */
  terminal?: boolean;
}

export interface RedirectConfig {
  scheme_redirect?: string;
  https_redirect?: boolean;
  host_redirect?: string;
  port_redirect?: number;
  path_redirect?: string;
  prefix_rewrite?: string;
  /** 301 (default), 302, 303, 307, 308. */
  response_code?: number;
  strip_query?: boolean;
}

export interface DirectResponseConfig {
  status: number;
  body?: string;
  headers?: HeaderValueOption[];
}

export interface HeaderValueOption {
  name: string;
  value: string;
  /** Add another value (true) or replace existing values (false, default). */
  append?: boolean;
}

export type LbPolicy = 'round_robin' | 'least_request' | 'random' | 'ring_hash' | 'maglev';

export interface ClusterConfig {
  name: string;
  /** Default round_robin. */
  lb_policy?: LbPolicy;
  endpoints: EndpointConfig[];
  /** Default 5s. */
  connect_timeout?: Duration;
  /** How often hostnames in endpoints are re-resolved. Default 5s. */
  dns_refresh_rate?: Duration;
  /** Upstream protocol. Default http1. */
  protocol?: 'http1' | 'http2';
  /** Max connections per endpoint in the keep-alive pool. Default 128. */
  max_connections_per_endpoint?: number;
  /** Idle keep-alive time for upstream connections. Default 4s (below common server defaults). */
  keep_alive_timeout?: Duration;
  ring_hash?: { minimum_ring_size?: number; maximum_ring_size?: number };
  maglev?: { table_size?: number };
  /** TLS to the endpoints (https origins). Absent: cleartext (h2c prior knowledge for http2). */
  tls?: ClusterTlsConfig;
  /** WebSocket (HTTP/1.1 Upgrade) tunnels through this cluster: idle time before both sides close. Default 1h. */
  websocket_idle_timeout?: Duration;
}

/** Upstream TLS of a cluster. */
export interface ClusterTlsConfig {
  /** SNI and the name the certificate must match. Default: the endpoint's hostname (none for IPs). */
  sni?: string;
  /** CA bundle (PEM) to verify the upstream with, instead of the system roots. */
  ca_file?: string;
  /** Verify the upstream certificate. Default true. */
  verify?: boolean;
  /** Client certificate and key (PEM) for mutual TLS. */
  cert_file?: string;
  key_file?: string;
  /** Protocols offered in ALPN; "h2" here (or protocol: http2) lets the upstream pick HTTP/2. */
  alpn?: ('h2' | 'http/1.1')[];
}

export interface EndpointConfig {
  /** host:port; host may be an IP or a DNS name (resolved and refreshed). */
  address: string;
  /** Relative weight for load balancing. Default 1. */
  weight?: number;
}
