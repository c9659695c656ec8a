import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorsAfter, tempDir } from './fixtures.js';

const VH = 'route_configs[0].virtual_hosts[0]';
const ROUTES = `${VH}.routes`;

test('a route naming an unknown cluster', () => {
  const lines = errorsAfter((c) => (c.route_configs![0]!.virtual_hosts[0]!.routes[0]!.route = { cluster: 'nope' }));
  assert.deepEqual(lines, [`${ROUTES}[0].route.cluster: unknown cluster 'nope'`]);
});

test('a weighted_clusters entry naming an unknown cluster', () => {
  const lines = errorsAfter((c) => {
    c.route_configs![0]!.virtual_hosts[0]!.routes[0]!.route = {
      weighted_clusters: { clusters: [{ name: 'backend', weight: 1 }, { name: 'nope', weight: 1 }] },
    };
  });
  assert.deepEqual(lines, [`${ROUTES}[0].route.weighted_clusters.clusters[1].name: unknown cluster 'nope'`]);
});

test('weighted_clusters weights summing to 0', () => {
  const lines = errorsAfter((c) => {
    c.route_configs![0]!.virtual_hosts[0]!.routes[0]!.route = { weighted_clusters: { clusters: [{ name: 'backend', weight: 0 }] } };
  });
  assert.deepEqual(lines, [`${ROUTES}[0].route.weighted_clusters: weights sum to 0; at least one must be positive`]);
});

test('a listener naming an unknown route config', () => {
  const lines = errorsAfter((c) => (c.listeners[0]!.route_config = 'other'));
  assert.deepEqual(lines, ["listeners[0].route_config: unknown route config 'other'"]);
});

test('a per-route filter override naming a filter the listener does not have', () => {
  const lines = errorsAfter((c) => (c.route_configs![0]!.virtual_hosts[0]!.routes[0]!.filters = { auth: { disabled: true } }));
  assert.deepEqual(lines, [`${ROUTES}[0].filters.auth: no http filter named 'auth' on the listeners using route config 'main'`]);
});

test('a virtual host filter setting naming a filter the listener does not have', () => {
  const lines = errorsAfter((c) => (c.route_configs![0]!.virtual_hosts[0]!.filters = { auth: { disabled: true } }));
  assert.deepEqual(lines, ["route_configs[0].virtual_hosts[0].filters.auth: no http filter named 'auth' on the listeners using route config 'main'"]);
});

test('duplicate listener names', () => {
  const lines = errorsAfter((c) => c.listeners.push({ name: 'public', address: '127.0.0.1:8081', route_config: 'main' }));
  assert.deepEqual(lines, ["listeners[1].name: duplicate listener name 'public' (also listeners[0])"]);
});

test('duplicate cluster names', () => {
  const lines = errorsAfter((c) => c.clusters!.push({ name: 'backend', endpoints: [{ address: '127.0.0.1:9002' }] }));
  assert.deepEqual(lines, ["clusters[1].name: duplicate cluster name 'backend' (also clusters[0])"]);
});

test('duplicate route config names', () => {
  const lines = errorsAfter((c) => c.route_configs!.push({ name: 'main', virtual_hosts: [] }));
  assert.deepEqual(lines, ["route_configs[1].name: duplicate route config name 'main' (also route_configs[0])"]);
});

test('duplicate virtual host names within a route config', () => {
  const lines = errorsAfter((c) => c.route_configs![0]!.virtual_hosts.push({ name: 'all', domains: ['a.example.com'], routes: [] }));
  assert.deepEqual(lines, ["route_configs[0].virtual_hosts[1].name: duplicate virtual host name 'all' (also route_configs[0].virtual_hosts[0])"]);
});

test('duplicate http filter names within a listener', (t) => {
  const dir = tempDir(t, { 'f.wasm': '' });
  const lines = errorsAfter((c) => {
    c.listeners[0]!.http_filters = [
      { name: 'f', wasm: { file: 'f.wasm' } },
      { name: 'f', wasm: { file: 'f.wasm' } },
    ];
  }, dir);
  assert.deepEqual(lines, ["listeners[0].http_filters[1].name: duplicate http filter name 'f' (also listeners[0].http_filters[0])"]);
});

test('a domain in two virtual hosts of one route config', () => {
  const lines = errorsAfter((c) => c.route_configs![0]!.virtual_hosts.push({ name: 'other', domains: ['a.example.com', '*'], routes: [] }));
  assert.deepEqual(lines, ["route_configs[0].virtual_hosts[1].domains[1]: domain '*' is also in virtual host 'all'"]);
});

test('a wildcard in the middle of a domain', () => {
  const lines = errorsAfter((c) => (c.route_configs![0]!.virtual_hosts[0]!.domains = ['api.*.com']));
  assert.deepEqual(lines, [`${VH}.domains[0]: wildcard '*' may appear once, as the first or last character`]);
});

test('an invalid safe_regex says why', () => {
  const lines = errorsAfter((c) => (c.route_configs![0]!.virtual_hosts[0]!.routes[0]!.match = { safe_regex: '/api/(v1' }));
  assert.deepEqual(lines, [`${ROUTES}[0].match.safe_regex: invalid regex: Unterminated group`]);
});

test('an invalid header matcher regex', () => {
  const lines = errorsAfter((c) => (c.route_configs![0]!.virtual_hosts[0]!.routes[0]!.match.headers = [{ name: 'x-v', regex: '[a-' }]));
  assert.deepEqual(lines, [`${ROUTES}[0].match.headers[0].regex: invalid regex: Unterminated character class`]);
});

test('an invalid query parameter regex', () => {
  const lines = errorsAfter((c) => (c.route_configs![0]!.virtual_hosts[0]!.routes[0]!.match.query_parameters = [{ name: 'q', regex: '*a' }]));
  assert.deepEqual(lines, [`${ROUTES}[0].match.query_parameters[0].regex: invalid regex: Nothing to repeat`]);
});

test('an invalid regex_rewrite pattern', () => {
  const lines = errorsAfter((c) => {
    c.route_configs![0]!.virtual_hosts[0]!.routes[0]!.route!.regex_rewrite = { pattern: '(?<x', substitution: '' };
  });
  assert.equal(lines.length, 1);
  assert.match(lines[0]!, new RegExp(`^${ROUTES.replace(/[[\].]/g, '\\$&')}\\[0\\]\\.route\\.regex_rewrite\\.pattern: invalid regex: `));
});

test('a header matcher with more than one of exact, present, regex', () => {
  const lines = errorsAfter((c) => (c.route_configs![0]!.virtual_hosts[0]!.routes[0]!.match.headers = [{ name: 'x', exact: 'a', present: true }]));
  assert.deepEqual(lines, [`${ROUTES}[0].match.headers[0]: needs at most one of exact, present, regex (has exact, present)`]);
});

test('two listeners on the same host:port', () => {
  const lines = errorsAfter((c) => c.listeners.push({ name: 'two', address: '127.0.0.1:8080', route_config: 'main' }));
  assert.deepEqual(lines, ['listeners[1].address: clashes with listeners[0].address (127.0.0.1:8080)']);
});

test('admin on a listener port', () => {
  const lines = errorsAfter((c) => (c.admin = { address: '127.0.0.1:8080' }));
  assert.deepEqual(lines, ['admin.address: clashes with listeners[0].address (127.0.0.1:8080)']);
});

test('a wildcard host clashes with any host on the same port', () => {
  const lines = errorsAfter((c) => {
    c.listeners.push({ name: 'v6', address: '[::]:8080', route_config: 'main' });
    c.listeners.push({ name: 'any', address: '0.0.0.0:9901', route_config: 'main' });
  });
  assert.deepEqual(lines, [
    'listeners[1].address: clashes with listeners[0].address (127.0.0.1:8080)',
    'admin.address: clashes with listeners[2].address (0.0.0.0:9901)',
  ]);
});

test('port 0 never clashes, and different hosts on one port do not', () => {
  const lines = errorsAfter((c) => {
    c.listeners[0]!.address = '127.0.0.1:0';
    c.listeners.push({ name: 'b', address: '127.0.0.1:0', route_config: 'main' });
    c.listeners.push({ name: 'c', address: '127.0.0.2:9901', route_config: 'main' });
  });
  assert.deepEqual(lines, []);
});

test('a wasm file that does not exist, resolved against the config directory', (t) => {
  const dir = tempDir(t, { 'ok.wasm': '' });
  const lines = errorsAfter((c) => {
    c.listeners[0]!.http_filters = [
      { name: 'ok', wasm: { file: './ok.wasm' } },
      { name: 'x', wasm: { file: './x.wasm' } },
    ];
  }, dir);
  assert.deepEqual(lines, ['listeners[0].http_filters[1].wasm.file: no such file: ./x.wasm']);
});

test('a wasm file that is a directory', (t) => {
  const dir = tempDir(t, { 'sub/keep': '' });
  const lines = errorsAfter((c) => (c.listeners[0]!.http_filters = [{ name: 'd', wasm: { file: 'sub' } }]), dir);
  assert.deepEqual(lines, ['listeners[0].http_filters[0].wasm.file: not a file: sub']);
});

test('redirect conflicts', () => {
  const lines = errorsAfter((c) => {
    c.route_configs![0]!.virtual_hosts[0]!.routes[1]!.redirect = { https_redirect: true, scheme_redirect: 'http' };
  });
  assert.deepEqual(lines, [`${ROUTES}[1].redirect: needs at most one of https_redirect, scheme_redirect`]);
});

test('retry back-off max below base', () => {
  const lines = errorsAfter((c) => {
    c.route_configs![0]!.virtual_hosts[0]!.routes[0]!.route!.retry_policy = {
      retry_on: ['5xx'],
      retry_back_off: { base_interval: '1s', max_interval: '100ms' },
    };
  });
  assert.deepEqual(lines, [`${ROUTES}[0].route.retry_policy.retry_back_off.max_interval: must not be less than base_interval`]);
});

test('maglev table size must be prime', () => {
  const lines = errorsAfter((c) => (c.clusters![0]!.maglev = { table_size: 65536 }));
  assert.deepEqual(lines, ['clusters[0].maglev.table_size: must be a prime number (e.g. 65537)']);
});

test('several semantic errors are all reported', () => {
  const lines = errorsAfter((c) => {
    c.listeners[0]!.route_config = 'other';
    c.clusters!.push({ name: 'backend', endpoints: [{ address: '127.0.0.1:9002' }] });
    c.route_configs![0]!.virtual_hosts[0]!.routes[0]!.route = { cluster: 'nope' };
    c.admin = { address: '127.0.0.1:8080' };
  });
  assert.deepEqual(lines, [
    "clusters[1].name: duplicate cluster name 'backend' (also clusters[0])",
    "listeners[0].route_config: unknown route config 'other'",
    `${ROUTES}[0].route.cluster: unknown cluster 'nope'`,
    'admin.address: clashes with listeners[0].address (127.0.0.1:8080)',
  ]);
});
