/**
 * The conformance module over real HTTP through the Gateway: listener → filter chain → router →
 * upstream, all on 127.0.0.1 port 0.
 */
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { request } from 'undici';
import { startGateway, startUpstream, simpleConfig, type Upstream } from '../gateway/harness.js';
import { wasmPath } from './harness.js';

function filter(name: string, configuration: string, extra: Record<string, unknown> = {}) {
  return { name, wasm: { file: wasmPath('script'), configuration, ...extra } };
}

async function gateway(t: TestContext, filters: unknown[], up?: Upstream, extraClusters: unknown[] = [], limits?: unknown) {
  const upstream = up ?? (await startUpstream(t, 'up'));
  const cfg = simpleConfig([{ match: { prefix: '/' }, route: { cluster: 'backend' } }],
    [{ name: 'backend', endpoints: [{ address: upstream.address }] }, ...extraClusters],
    { http_filters: filters, ...(limits ? { limits } : {}) });
  const g = await startGateway(t, cfg);
  return { ...g, upstream };
}

async function get(base: string, path = '/', init: { method?: string; body?: string; headers?: Record<string, string> } = {}) {
  const r = await request(base + path, { method: (init.method ?? 'GET') as 'GET', body: init.body, headers: init.headers });
  return { status: r.statusCode, headers: r.headers, body: await r.body.text() };
}

test('e2e: a filter reads and writes request and response headers', async (t) => {
  const { base, upstream } = await gateway(t, [filter('hdr', [
    'req_headers get 0 :path', 'req_headers add 0 x-from-filter yes', 'req_headers del 0 x-secret',
    'resp_headers set 2 x-upstream replaced', 'resp_headers add 2 x-resp added',
  ].join('\n'))]);
  const r = await get(base, '/hello?x=1', { headers: { 'x-secret': 's' } });
  assert.equal(r.status, 200);
  assert.equal(r.body, 'ok from up');
  assert.equal(upstream.seen[0]!.headers['x-from-filter'], 'yes');
  assert.equal(upstream.seen[0]!.headers['x-secret'], undefined);
  assert.equal(upstream.seen[0]!.url, '/hello?x=1');
  assert.equal(r.headers['x-upstream'], 'replaced');
  assert.equal(r.headers['x-resp'], 'added');
});

test('e2e: a local reply answers without reaching the upstream', async (t) => {
  const { base, upstream } = await gateway(t, [filter('deny', 'req_headers ?x-user=eve reply 403 forbidden x-reason policy')]);
  const denied = await get(base, '/', { headers: { 'x-user': 'eve' } });
  assert.equal(denied.status, 403);
  assert.equal(denied.body, 'forbidden');
  assert.equal(denied.headers['x-reason'], 'policy');
  assert.equal(upstream.seen.length, 0);
  assert.equal((await get(base, '/', { headers: { 'x-user': 'bob' } })).status, 200);
});

test('e2e: pause on headers, http_call to a cluster, resume with the verdict', async (t) => {
  const auth = await startUpstream(t, 'auth', (req, res) => res.end(req.headers['x-token'] ? 'no' : 'allowed'));
  const { base, upstream } = await gateway(t, [filter('authz', [
    'req_headers call authsvc /verify 2000', 'req_headers ret 1',
    'call_resp body 4 0 100', 'call_resp add 0 x-authz checked', 'call_resp cont 0',
  ].join('\n'))], undefined, [{ name: 'authsvc', endpoints: [{ address: auth.address }] }]);
  const r = await get(base, '/data', { method: 'POST', body: 'payload' });
  assert.equal(r.status, 200);
  assert.equal(auth.seen[0]!.url, '/verify');
  assert.equal(upstream.seen[0]!.headers['x-authz'], 'checked');
});

test('e2e: a buffered and rewritten request body reaches the upstream with a fixed content-length', async (t) => {
  const up = await startUpstream(t, 'echo', (req, res) => {
    let b = '';
    req.on('data', (c) => (b += c));
    req.on('end', () => res.end(`${req.headers['content-length']}:${b}`));
  });
  const { base } = await gateway(t, [filter('rewrite', 'req_body retnoteos 1\nreq_body bset 0 0 99999 rewritten-body')], up);
  const r = await get(base, '/', { method: 'POST', body: 'original' });
  assert.equal(r.body, `${'rewritten-body'.length}:rewritten-body`);
});

test('e2e: buffering past the listener buffer limit answers 413', async (t) => {
  const { base, upstream } = await gateway(t, [filter('buf', 'req_body retnoteos 1')], undefined, [], { per_connection_buffer_limit_bytes: 16 });
  const r = await get(base, '/', { method: 'POST', body: 'x'.repeat(100) });
  assert.equal(r.status, 413);
  assert.equal(upstream.seen.length <= 1, true);
});

test('e2e: a trapping filter under fail_closed answers 503 "wasm filter failed"', async (t) => {
  const { base, gw } = await gateway(t, [filter('crash', 'req_headers trap')]);
  const r = await get(base);
  assert.equal(r.status, 503);
  assert.equal(r.body, 'wasm filter failed');
  assert.match(await gw.registry.metrics(), /sluice_wasm_vm_failures_total\{filter="crash",kind="trap",callback="proxy_on_request_headers"\} 1/);
});

test('e2e: under fail_open a crashed filter is skipped', async (t) => {
  const { base } = await gateway(t, [filter('crash', 'req_headers trap', { failure_policy: 'fail_open' })]);
  assert.equal((await get(base)).status, 200);
  assert.equal((await get(base)).status, 200);
});

test('e2e: an infinite loop in a filter does not freeze the gateway', async (t) => {
  const { base } = await gateway(t, [filter('spin', 'req_headers ?x-mode=spin loop', { callback_timeout: '20ms', failure_policy: 'fail_reload' })]);
  const r = await get(base, '/', { headers: { 'x-mode': 'spin' } });
  assert.equal(r.status, 503);
  // fail_reload: the next request gets a fresh VM
  assert.equal((await get(base)).status, 200);
});

test('e2e: custom metrics and VM failures are exported on /stats/prometheus under the filter name', async (t) => {
  const upstream = await startUpstream(t, 'up');
  const cfg = simpleConfig([{ match: { prefix: '/' }, route: { cluster: 'backend' } }],
    [{ name: 'backend', endpoints: [{ address: upstream.address }] }],
    { http_filters: [filter('counted', 'configure mdef 0 requests\nreq_headers minc requests 1\nreq_headers ?x-mode=trap trap', { failure_policy: 'fail_reload' })] });
  const { base, gw } = await startGateway(t, { ...cfg, admin: { address: '127.0.0.1:0' } });
  await get(base);
  await get(base);
  await get(base, '/', { headers: { 'x-mode': 'trap' } });
  const stats = await get(`http://127.0.0.1:${gw.admin!.port}`, '/stats/prometheus');
  assert.match(stats.body, /wasmcustom_counted_requests 3/);
  assert.match(stats.body, /sluice_wasm_vm_failures_total\{filter="counted",kind="trap",callback="proxy_on_request_headers"\} 1/);
});

test('e2e: two filters — request order forward, response order reverse', async (t) => {
  const { base, upstream } = await gateway(t, [
    filter('first', 'req_headers add 0 x-order first\nresp_headers add 2 x-order first'),
    filter('second', 'req_headers add 0 x-order second\nresp_headers add 2 x-order second'),
  ]);
  const r = await get(base);
  assert.equal(upstream.seen[0]!.headers['x-order'], 'first, second');
  assert.deepEqual(r.headers['x-order'], ['second', 'first']);
});

test('e2e: pseudo-headers written by a filter map onto HTTP/1.1 (path, method, host, status)', async (t) => {
  const { base, upstream } = await gateway(t, [filter('pseudo', [
    'req_headers set 0 :path /rewritten?a=b', 'req_headers set 0 :method PUT', 'req_headers set 0 :authority internal.example',
    'resp_headers set 2 :status 418',
  ].join('\n'))]);
  const r = await get(base, '/orig');
  assert.equal(r.status, 418);
  assert.equal(upstream.seen[0]!.url, '/rewritten?a=b');
  assert.equal(upstream.seen[0]!.method, 'PUT');
  assert.equal(upstream.seen[0]!.headers.host, 'internal.example');
});

test('e2e: request and response bodies stream through a body-reading filter unchanged', async (t) => {
  const up = await startUpstream(t, 'echo', (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => res.end(Buffer.concat(chunks)));
  });
  const { base } = await gateway(t, [filter('reader', 'req_body bstatus 0\nresp_body bstatus 1')], up);
  const body = 'z'.repeat(200_000);
  const r = await get(base, '/', { method: 'POST', body });
  assert.equal(r.status, 200);
  assert.equal(r.body.length, body.length);
});

test('e2e: route, cluster, listener and connection properties come from the gateway', async (t) => {
  const { base } = await gateway(t, [filter('props', [
    'resp_headers prop2hdr route_name 2 x-route', 'resp_headers prop2hdr cluster_name 2 x-cluster',
    'resp_headers prop2hdr listener_name 2 x-listener', 'resp_headers prop2hdr source.address 2 x-source',
    'resp_headers prop2hdr request.protocol 2 x-proto', 'resp_headers prop2hdr upstream.address 2 x-upstream-addr',
  ].join('\n'))]);
  const r = await get(base, '/x');
  assert.equal(r.headers['x-cluster'], 'backend');
  assert.equal(r.headers['x-listener'], 'main');
  assert.match(String(r.headers['x-route']), /./);
  assert.match(String(r.headers['x-source']), /^127\.0\.0\.1:\d+$/);
  assert.equal(r.headers['x-proto'], 'HTTP/1.1');
  assert.match(String(r.headers['x-upstream-addr']), /^127\.0\.0\.1:\d+$/);
});

test('e2e: an IPv6 client sees source and destination addresses bracketed, as Envoy writes them', async (t) => {
  const upstream = await startUpstream(t, 'up');
  const cfg = simpleConfig([{ match: { prefix: '/' }, route: { cluster: 'backend' } }],
    [{ name: 'backend', endpoints: [{ address: upstream.address }] }],
    { address: '[::1]:0', http_filters: [filter('props6', [
      'resp_headers prop2hdr source.address 2 x-source', 'resp_headers prop2hdr destination.address 2 x-destination',
    ].join('\n'))] });
  const { port } = await startGateway(t, cfg);
  const r = await get(`http://[::1]:${port}`, '/');
  assert.match(String(r.headers['x-source']), /^\[::1\]:\d+$/);
  assert.equal(r.headers['x-destination'], `[::1]:${port}`);
});
