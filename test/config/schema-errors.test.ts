import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorLines, errorsAfter, loose } from './fixtures.js';

const ROUTES = 'route_configs[0].virtual_hosts[0].routes';

test('an unknown lb_policy lists the allowed values', () => {
  const lines = errorsAfter((c) => (loose(c.clusters![0]).lb_policy = 'round_robinn'));
  assert.deepEqual(lines, ['clusters[0].lb_policy: must be one of round_robin, least_request, random, ring_hash, maglev']);
});

test('a missing required key names the key', () => {
  const lines = errorsAfter((c) => delete loose(c.listeners[0]).address);
  assert.deepEqual(lines, ["listeners[0]: missing required key 'address'"]);
});

test('a missing top-level key is reported at (root)', () => {
  const lines = errorsAfter((c) => delete loose(c).listeners);
  assert.deepEqual(lines, ["(root): missing required key 'listeners'"]);
});

test('an unknown key in limits is an error', () => {
  const lines = errorsAfter((c) => (c.listeners[0]!.limits = loose({ foo: 1 })));
  assert.deepEqual(lines, ["listeners[0].limits: unknown key 'foo'"]);
});

test('an unknown top-level key is an error', () => {
  const lines = errorsAfter((c) => (c.listner = []));
  assert.deepEqual(lines, ["(root): unknown key 'listner'"]);
});

test('a wrong type says which type is wanted', () => {
  const lines = errorsAfter((c) => (loose(c.listeners[0]).name = 42));
  assert.deepEqual(lines, ['listeners[0].name: must be a string']);
});

test('a non-integer count says integer', () => {
  const lines = errorsAfter((c) => (c.workers = 1.5));
  assert.deepEqual(lines, ['workers: must be an integer']);
});

test('a union type lists both alternatives', () => {
  const lines = errorsAfter((c) => {
    c.listeners[0]!.http_filters = [{ name: 'f', wasm: { file: 'f.wasm', configuration: loose(3) } }];
  });
  assert.deepEqual(lines, [
    'listeners[0].http_filters[0].wasm.configuration: must be a string or a map',
    'listeners[0].http_filters[0].wasm.file: no such file: f.wasm', // semantic checks run beside schema errors
  ]);
});

test('a bad duration shows the expected form', () => {
  const lines = errorsAfter((c) => (c.listeners[0]!.limits = { idle_timeout: '5 seconds' }));
  assert.deepEqual(lines, ['listeners[0].limits.idle_timeout: must be a duration like 250ms, 5s or 1m']);
});

test('a duration given as a number is a type error only', () => {
  const lines = errorsAfter((c) => (c.clusters![0]!.connect_timeout = loose(5)));
  assert.deepEqual(lines, ['clusters[0].connect_timeout: must be a string']);
});

for (const bad of ['127.0.0.1', '127.0.0.1:65536', '::1:80', '[::1]', '[127.0.0.1]:80', 'bad_host:80', ':80', '300.1.1.1:80']) {
  test(`address ${bad} is not host:port`, () => {
    const lines = errorsAfter((c) => (c.listeners[0]!.address = bad));
    assert.deepEqual(lines, ['listeners[0].address: must be host:port']);
  });
}

test('endpoint addresses are checked too', () => {
  const lines = errorsAfter((c) => (c.clusters![0]!.endpoints[0]!.address = 'backend'));
  assert.deepEqual(lines, ['clusters[0].endpoints[0].address: must be host:port']);
});

test('a route with no action needs exactly one of route, redirect, direct_response', () => {
  const lines = errorsAfter((c) => delete loose(c.route_configs![0]!.virtual_hosts[0]!.routes[2]).direct_response);
  assert.deepEqual(lines, [`${ROUTES}[2]: needs exactly one of route, redirect, direct_response`]);
});

test('a route with two actions gets the same single message', () => {
  const lines = errorsAfter((c) => {
    c.route_configs![0]!.virtual_hosts[0]!.routes[0]!.direct_response = { status: 200 };
  });
  assert.deepEqual(lines, [`${ROUTES}[0]: needs exactly one of route, redirect, direct_response`]);
});

test('a match needs exactly one of prefix, path, safe_regex', () => {
  const lines = errorsAfter((c) => (c.route_configs![0]!.virtual_hosts[0]!.routes[0]!.match = { prefix: '/', path: '/x' }));
  assert.deepEqual(lines, [`${ROUTES}[0].match: needs exactly one of prefix, path, safe_regex`]);
});

test('a route action needs exactly one of cluster, weighted_clusters', () => {
  const lines = errorsAfter((c) => (c.route_configs![0]!.virtual_hosts[0]!.routes[0]!.route = {}));
  assert.deepEqual(lines, [`${ROUTES}[0].route: needs exactly one of cluster, weighted_clusters`]);
});

test('a redirect response_code must be a redirect status', () => {
  const lines = errorsAfter((c) => (c.route_configs![0]!.virtual_hosts[0]!.routes[1]!.redirect!.response_code = 300));
  assert.deepEqual(lines, [`${ROUTES}[1].redirect.response_code: must be one of 301, 302, 303, 307, 308`]);
});

test('a direct_response status must be 200-599', () => {
  const lines = errorsAfter((c) => (c.route_configs![0]!.virtual_hosts[0]!.routes[2]!.direct_response!.status = 700));
  assert.deepEqual(lines, [`${ROUTES}[2].direct_response.status: must be between 200 and 599`]);
});

test('num_retries must be sane', () => {
  const lines = errorsAfter((c) => {
    c.route_configs![0]!.virtual_hosts[0]!.routes[0]!.route!.retry_policy = { retry_on: '5xx', num_retries: 50 };
  });
  assert.deepEqual(lines, [`${ROUTES}[0].route.retry_policy.num_retries: must be between 0 and 10`]);
});

test('retry_on as a string must list known conditions', () => {
  const lines = errorsAfter((c) => {
    c.route_configs![0]!.virtual_hosts[0]!.routes[0]!.route!.retry_policy = { retry_on: '5xx,bogus' };
  });
  assert.deepEqual(lines, [
    `${ROUTES}[0].route.retry_policy.retry_on: must be a comma-separated list of 5xx, gateway-error, connect-failure, reset, retriable-4xx`,
  ]);
});

test('retry_on as a list must hold known conditions', () => {
  const lines = errorsAfter((c) => {
    c.route_configs![0]!.virtual_hosts[0]!.routes[0]!.route!.retry_policy = { retry_on: loose(['5xx', 'bogus']) };
  });
  assert.deepEqual(lines, [
    `${ROUTES}[0].route.retry_policy.retry_on[1]: must be one of 5xx, gateway-error, connect-failure, reset, retriable-4xx`,
  ]);
});

test('a cluster needs at least one endpoint', () => {
  const lines = errorsAfter((c) => (c.clusters![0]!.endpoints = []));
  assert.deepEqual(lines, ['clusters[0].endpoints: must have at least 1 item']);
});

test('an empty name is rejected', () => {
  const lines = errorsAfter((c) => (c.clusters![0]!.name = ''));
  // The route's reference to 'backend' now names no cluster, and says so in the same pass.
  assert.deepEqual(lines, ['clusters[0].name: must not be empty', `${ROUTES}[0].route.cluster: unknown cluster 'backend'`]);
});

test('a prefix must start with /', () => {
  const lines = errorsAfter((c) => (c.route_configs![0]!.virtual_hosts[0]!.routes[0]!.match = { prefix: 'api' }));
  assert.deepEqual(lines, [`${ROUTES}[0].match.prefix: must start with /`]);
});

test('odd map keys are quoted in paths', () => {
  const lines = errorsAfter((c) => {
    c.route_configs![0]!.virtual_hosts[0]!.routes[0]!.filters = { 'my-filter': loose({ disable: true }) };
  });
  assert.deepEqual(lines, [`${ROUTES}[0].filters["my-filter"]: unknown key 'disable'`]);
});

test('several schema errors are all reported', () => {
  const lines = errorLines({
    workers: 'two',
    listeners: [{ name: 'a', route_config: 'main', limits: { foo: 1 } }],
    clusters: [{ name: 'b', lb_policy: 'fastest', endpoints: [{ address: 'nope' }] }],
  });
  assert.deepEqual(lines, [
    'workers: must be an integer',
    "listeners[0]: missing required key 'address'",
    "listeners[0].limits: unknown key 'foo'",
    'clusters[0].lb_policy: must be one of round_robin, least_request, random, ring_hash, maglev',
    'clusters[0].endpoints[0].address: must be host:port',
  ]);
});

test('schema errors and semantic errors are reported in one pass', () => {
  const lines = errorsAfter((c) => {
    loose(c.clusters![0]).lb_policy = 'round_robinn';
    c.route_configs![0]!.virtual_hosts[0]!.routes[0]!.route = { cluster: 'missing' };
    c.route_configs![0]!.virtual_hosts[0]!.routes[1]!.match = { safe_regex: '(' };
    c.listeners.push({ name: 'public', address: '127.0.0.1:8081', route_config: 'main' });
  });
  assert.deepEqual(lines.slice(0, 1), ['clusters[0].lb_policy: must be one of round_robin, least_request, random, ring_hash, maglev']);
  assert.deepEqual(lines.slice(1).sort(), [
    "listeners[1].name: duplicate listener name 'public' (also listeners[0])",
    `${ROUTES}[0].route.cluster: unknown cluster 'missing'`,
    `${ROUTES}[1].match.safe_regex: invalid regex: Unterminated group`,
  ].sort());
});
