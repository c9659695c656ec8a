/**
 * Schemas for listeners: limits, the HTTP (stream) filter chain of wasm filters, and the
 * connection layer: TLS, network filters, tcp_proxy and SNI / ALPN filter chains.
 */
import type {
  ClientCertificateMode, FailurePolicy, FilterChainConfig, FilterChainMatchConfig, ForwardClientCert, Http2Settings, HttpFilterConfig,
  ListenerConfig, ListenerLimits, NetworkFilterConfig, TcpProxyConfig, TlsCertificateConfig, TlsConfig, TlsVersion,
  WasmFilterConfig,
} from '../types.js';
import { accessLogSchema } from './access-log.js';
import {
  address,
  count,
  duration,
  enumSchema,
  exactlyOneOf,
  nonEmptyString,
  objectSchema,
  pluginConfiguration,
  positiveInt,
  stringList,
  stringMap,
  type Schema,
} from './common.js';

/** Per-listener limits and timeouts. */
export const listenerLimitsSchema: Schema = objectSchema<ListenerLimits>()(
  {
    max_request_headers_kb: { type: 'integer', minimum: 1, maximum: 8192 },
    headers_timeout: duration,
    request_timeout: duration,
    idle_timeout: duration,
    max_connections: count,
    per_connection_buffer_limit_bytes: positiveInt,
  },
  [],
);

/** A proxy-wasm module and how it is run. */
export const wasmFilterSchema: Schema = objectSchema<WasmFilterConfig>()(
  {
    file: nonEmptyString,
    root_id: { type: 'string' },
    vm_id: { type: 'string' },
    configuration: pluginConfiguration,
    vm_configuration: pluginConfiguration,
    failure_policy: enumSchema<FailurePolicy>()('fail_open', 'fail_closed', 'fail_reload'),
    memory_limit_mb: { type: 'integer', minimum: 1, maximum: 4096 },
    callback_timeout: duration,
    environment_variables: stringMap,
  },
  ['file'],
);

/** One entry of `http_filters`. */
export const httpFilterSchema: Schema = objectSchema<HttpFilterConfig>()(
  { name: nonEmptyString, wasm: wasmFilterSchema },
  ['name', 'wasm'],
);

/** One entry of `network_filters`. */
export const networkFilterSchema: Schema = objectSchema<NetworkFilterConfig>()(
  { name: nonEmptyString, wasm: wasmFilterSchema },
  ['name', 'wasm'],
);

/** A server name: exact or a leading `*.` wildcard. */
const serverName: Schema = { type: 'string', pattern: '^(\\*\\.)?[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*$' };

/** One certificate of `tls.certificates`. */
export const tlsCertificateSchema: Schema = objectSchema<TlsCertificateConfig>()(
  { cert_file: nonEmptyString, key_file: nonEmptyString, server_names: { type: 'array', items: serverName } },
  ['cert_file', 'key_file'],
);

/** Downstream TLS termination. */
export const tlsSchema: Schema = objectSchema<TlsConfig>()(
  {
    cert_file: nonEmptyString,
    key_file: nonEmptyString,
    certificates: { type: 'array', items: tlsCertificateSchema, minItems: 1 },
    alpn: { ...stringList, minItems: 1 },
    min_version: enumSchema<TlsVersion>()('TLSv1.2', 'TLSv1.3'),
    ciphers: nonEmptyString,
    client_ca_file: nonEmptyString,
    client_certificate: enumSchema<ClientCertificateMode>()('none', 'optional', 'required'),
    forward_client_cert: enumSchema<ForwardClientCert>()('sanitize', 'forward_only', 'append_forward', 'sanitize_set'),
    handshake_timeout: duration,
  },
  [],
);

/** Raw TCP proxying to a cluster. */
export const tcpProxySchema: Schema = objectSchema<TcpProxyConfig>()(
  { cluster: nonEmptyString, idle_timeout: duration },
  ['cluster'],
);

/** When a filter chain applies. */
export const filterChainMatchSchema: Schema = objectSchema<FilterChainMatchConfig>()(
  {
    server_names: { type: 'array', items: serverName, minItems: 1 },
    alpn: { ...stringList, minItems: 1 },
    transport_protocol: enumSchema<'tls' | 'raw_buffer'>()('tls', 'raw_buffer'),
  },
  [],
);

/** One entry of `filter_chains`. */
export const filterChainSchema: Schema = objectSchema<FilterChainConfig>()(
  {
    name: nonEmptyString,
    match: filterChainMatchSchema,
    tls: tlsSchema,
    network_filters: { type: 'array', items: networkFilterSchema },
    tcp_proxy: tcpProxySchema,
    route_config: nonEmptyString,
    http_filters: { type: 'array', items: httpFilterSchema },
  },
  [],
  exactlyOneOf('tcp_proxy', 'route_config'),
);

/** HTTP/2 downstream settings and abuse limits. */
const http2Schema: Schema = objectSchema<Http2Settings>()(
  {
    max_concurrent_streams: positiveInt,
    initial_stream_window_size: { type: 'integer', minimum: 65535, maximum: 2147483647 },
    initial_connection_window_size: { type: 'integer', minimum: 65535, maximum: 2147483647 },
    max_early_resets: positiveInt,
    early_reset_window: duration,
    max_invalid_frames: count,
    max_rejected_streams: count,
    stream_idle_timeout: duration,
  },
  [],
);

/** One entry of `listeners`. */
export const listenerSchema: Schema = objectSchema<ListenerConfig>()(
  {
    name: nonEmptyString,
    address,
    http_filters: { type: 'array', items: httpFilterSchema },
    route_config: nonEmptyString,
    limits: listenerLimitsSchema,
    access_log: accessLogSchema,
    drain_timeout: duration,
    tls: tlsSchema,
    network_filters: { type: 'array', items: networkFilterSchema },
    tcp_proxy: tcpProxySchema,
    filter_chains: { type: 'array', items: filterChainSchema, minItems: 1 },
    inspector_timeout: duration,
    codec: { type: 'string', enum: ['auto', 'http1', 'http2'] },
    http2: http2Schema,
    normalize_path: { type: 'boolean' },
  },
  // route_config is required unless tcp_proxy or filter_chains is set: a semantic check says so
  // (an anyOf here would report three unhelpful branch errors).
  ['name', 'address'],
);
