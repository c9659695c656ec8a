import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfigText } from '../../host/config/load.js';
import type { SluiceConfig } from '../../host/config/types.js';
import { tempDir } from './fixtures.js';

/** Every key of types.ts set once: the schema must accept all of them (types ↔ schema). */
function fullConfig(): SluiceConfig {
  return {
    admin: { address: '127.0.0.1:9901' },
    workers: 2,
    access_log: { path: 'stdout', disabled: false },
    listeners: [
      {
        name: 'public',
        address: '[::1]:8443',
        http_filters: [
          {
            name: 'auth',
            wasm: {
              file: 'auth.wasm',
              root_id: 'auth_root',
              vm_id: 'auth_vm',
              configuration: { issuer: 'https://id.example.com' },
              vm_configuration: 'vm',
              failure_policy: 'fail_open',
              memory_limit_mb: 32,
              callback_timeout: '50ms',
              environment_variables: { MODE: 'strict' },
            },
          },
        ],
        route_config: 'main',
        limits: {
          max_request_headers_kb: 60,
          headers_timeout: '10s',
          request_timeout: '300s',
          idle_timeout: '1m',
          max_connections: 0,
          per_connection_buffer_limit_bytes: 1048576,
        },
        access_log: { path: '/var/log/sluice.log' },
        drain_timeout: '15s',
      },
    ],
    route_configs: [
      {
        name: 'main',
        virtual_hosts: [
          {
            name: 'api',
            domains: ['api.example.com', '*.example.org', 'api.*'],
            request_headers_to_add: [{ name: 'x-gw', value: 'sluice', append: true }],
            request_headers_to_remove: ['x-debug'],
            response_headers_to_add: [{ name: 'x-served-by', value: 'sluice' }],
            response_headers_to_remove: ['server'],
            routes: [
              {
                name: 'v1',
                match: {
                  safe_regex: '/v1/[a-z]+',
                  case_sensitive: false,
                  methods: ['GET', 'POST'],
                  headers: [{ name: 'x-version', regex: '^1\\.', invert: false }, { name: 'x-present', present: true }],
                  query_parameters: [{ name: 'debug', exact: '1' }, { name: 'q', regex: '.+' }, { name: 'p', present: true }],
                },
                route: {
                  cluster: 'backend',
                  prefix_rewrite: '/',
                  regex_rewrite: { pattern: '^/v1/(.*)$', substitution: '/\\1' },
                  host_rewrite: 'internal.example.com',
                  timeout: '15s',
                  retry_policy: {
                    retry_on: '5xx, reset',
                    num_retries: 3,
                    per_try_timeout: '2s',
                    retry_back_off: { base_interval: '25ms', max_interval: '250ms' },
                  },
                  hash_policy: [
                    { header: { header_name: 'x-user' }, terminal: true },
                    { connection_properties: { source_ip: true } },
                    { cookie: { name: 'sid' } },
                  ],
                },
                request_headers_to_add: [{ name: 'x-route', value: 'v1' }],
                request_headers_to_remove: ['cookie'],
                response_headers_to_add: [{ name: 'x-route', value: 'v1' }],
                response_headers_to_remove: ['x-powered-by'],
                filters: { auth: { disabled: true, configuration: 'route' } },
              },
              {
                match: { prefix: '/canary' },
                route: {
                  weighted_clusters: { clusters: [{ name: 'backend', weight: 90 }, { name: 'canary', weight: 10 }] },
                  retry_policy: { retry_on: ['gateway-error', 'connect-failure', 'retriable-4xx'] },
                },
              },
              {
                match: { path: '/old' },
                redirect: {
                  https_redirect: true,
                  host_redirect: 'new.example.com',
                  port_redirect: 8443,
                  path_redirect: '/new',
                  response_code: 308,
                  strip_query: true,
                },
              },
              { match: { prefix: '/legacy' }, redirect: { scheme_redirect: 'https', prefix_rewrite: '/v2' } },
              {
                match: { prefix: '/' },
                direct_response: { status: 404, body: 'not here', headers: [{ name: 'content-type', value: 'text/plain' }] },
              },
            ],
          },
        ],
      },
    ],
    clusters: [
      {
        name: 'backend',
        lb_policy: 'ring_hash',
        endpoints: [{ address: 'backend.internal:9001', weight: 2 }, { address: '10.0.0.2:9001' }],
        connect_timeout: '5s',
        dns_refresh_rate: '5s',
        protocol: 'http2',
        max_connections_per_endpoint: 128,
        keep_alive_timeout: '4s',
        ring_hash: { minimum_ring_size: 1024, maximum_ring_size: 8388608 },
        maglev: { table_size: 65537 },
      },
      { name: 'canary', lb_policy: 'least_request', endpoints: [{ address: '[fd00::1]:9001' }] },
    ],
  };
}

test('a config using every key loads unchanged', (t) => {
  const dir = tempDir(t, { 'auth.wasm': '' });
  const loaded = parseConfigText(JSON.stringify(fullConfig()), { format: 'json', baseDir: dir });
  assert.deepEqual(loaded.config, fullConfig());
});
