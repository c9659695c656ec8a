import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request, simpleConfig, startGateway, startUpstream } from './harness.js';

test('a direct_response route answers locally with its status, body and headers', async (t) => {
  const { port } = await startGateway(
    t,
    simpleConfig([{ match: { path: '/health' }, direct_response: { status: 200, body: 'healthy', headers: [{ name: 'X-Direct', value: '1' }] } }], []),
  );
  const r = await request(port, { path: '/health' });
  assert.equal(r.status, 200);
  assert.equal(r.body, 'healthy');
  assert.equal(r.headers['x-direct'], '1');
  assert.equal(r.headers['content-length'], '7');
});

test('a redirect route answers with its status and Location', async (t) => {
  const { port } = await startGateway(
    t,
    simpleConfig([{ match: { prefix: '/old' }, redirect: { path_redirect: '/new', response_code: 302 } }], []),
  );
  const r = await request(port, { path: '/old', headers: { host: 'site.test' } });
  assert.equal(r.status, 302);
  assert.equal(r.headers.location, 'http://site.test/new');
});

test('prefix_rewrite and host_rewrite are what the upstream sees', async (t) => {
  const up = await startUpstream(t);
  const { port } = await startGateway(
    t,
    simpleConfig(
      [{ match: { prefix: '/api/' }, route: { cluster: 'b', prefix_rewrite: '/v2/', host_rewrite: 'internal.svc' } }],
      [{ name: 'b', endpoints: [{ address: up.address }] }],
    ),
  );
  const r = await request(port, { path: '/api/users?id=7', headers: { host: 'public.test' } });
  assert.equal(r.status, 200);
  assert.equal(up.seen[0]!.url, '/v2/users?id=7');
  assert.equal(up.seen[0]!.headers.host, 'internal.svc');
});

test('regex_rewrite rewrites the upstream path', async (t) => {
  const up = await startUpstream(t);
  const { port } = await startGateway(
    t,
    simpleConfig(
      [{ match: { prefix: '/' }, route: { cluster: 'b', regex_rewrite: { pattern: '^/users/([0-9]+)$', substitution: '/u?id=\\1' } } }],
      [{ name: 'b', endpoints: [{ address: up.address }] }],
    ),
  );
  await request(port, { path: '/users/42' });
  assert.equal(up.seen[0]!.url, '/u?id=42');
});

test('request and response header mutations apply (virtual host and route)', async (t) => {
  const up = await startUpstream(t, 'up', (_req, res) => {
    res.setHeader('x-internal', 'secret');
    res.end('ok');
  });
  const config = simpleConfig([], [{ name: 'b', endpoints: [{ address: up.address }] }]);
  (config.route_configs as any)[0].virtual_hosts[0] = {
    name: 'all',
    domains: ['*'],
    request_headers_to_add: [{ name: 'x-vhost', value: 'v' }],
    routes: [
      {
        match: { prefix: '/' },
        route: { cluster: 'b' },
        request_headers_to_add: [{ name: 'x-route', value: 'r' }, { name: 'x-multi', value: 'two', append: true }],
        request_headers_to_remove: ['x-drop-me'],
        response_headers_to_add: [{ name: 'x-served-by', value: 'sluice' }],
        response_headers_to_remove: ['x-internal'],
      },
    ],
  };
  const { port } = await startGateway(t, config);
  const r = await request(port, { headers: { 'x-drop-me': '1', 'x-multi': 'one' } });
  const h = up.seen[0]!.headers;
  assert.equal(h['x-vhost'], 'v');
  assert.equal(h['x-route'], 'r');
  assert.equal(h['x-drop-me'], undefined);
  assert.equal(h['x-multi'], 'one, two');
  assert.equal(r.headers['x-served-by'], 'sluice');
  assert.equal(r.headers['x-internal'], undefined);
});

test('weighted_clusters send traffic to both clusters', async (t) => {
  const a = await startUpstream(t, 'a');
  const b = await startUpstream(t, 'b');
  const { port } = await startGateway(
    t,
    simpleConfig(
      [{ match: { prefix: '/' }, route: { weighted_clusters: { clusters: [{ name: 'ca', weight: 50 }, { name: 'cb', weight: 50 }] } } }],
      [
        { name: 'ca', endpoints: [{ address: a.address }] },
        { name: 'cb', endpoints: [{ address: b.address }] },
      ],
    ),
  );
  for (let i = 0; i < 40; i++) assert.equal((await request(port)).status, 200);
  // 40 picks at 50/50: both clusters are hit (all on one side has probability 2^-39).
  assert.ok(a.seen.length > 0 && b.seen.length > 0);
  assert.equal(a.seen.length + b.seen.length, 40);
});

test('a DNS endpoint (localhost:PORT) is resolved and used', async (t) => {
  const up = await startUpstream(t);
  // Hosts where localhost also resolves to ::1 get a second endpoint nobody listens on: the
  // connect-failure retry (to the other endpoint) keeps the test about DNS, not address families.
  const { port } = await startGateway(
    t,
    simpleConfig(
      [{ match: { prefix: '/' }, route: { cluster: 'b', retry_policy: { retry_on: 'connect-failure', num_retries: 1 } } }],
      [{ name: 'b', endpoints: [{ address: `localhost:${up.port}` }] }],
    ),
  );
  const r = await request(port);
  assert.equal(r.status, 200);
  assert.equal(r.body, 'ok from up');
});
