/** Schemas for listeners: limits and the HTTP (stream) filter chain of wasm filters. */
import type { FailurePolicy, HttpFilterConfig, ListenerConfig, ListenerLimits, WasmFilterConfig } from '../types.js';
import { accessLogSchema } from './access-log.js';
import {
  address,
  count,
  duration,
  enumSchema,
  nonEmptyString,
  objectSchema,
  pluginConfiguration,
  positiveInt,
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
  },
  ['name', 'address', 'route_config'],
);
