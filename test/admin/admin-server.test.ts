import { strict as assert } from 'node:assert';
import { test, type TestContext } from 'node:test';
import { Registry } from 'prom-client';
import type { AdminRoute, AdminView } from '../../host/admin/contract.js';
import { startAdminServer } from '../../host/admin/server.js';
import { createGatewayMetrics } from '../../host/observability/metrics.js';
import { createLogger } from '../../host/observability/logger.js';

interface Setup {
  base: string;
  registry: Registry;
  state: { ready: boolean };
}

async function start(t: TestContext, routes?: AdminRoute[]): Promise<Setup> {
  const registry = new Registry();
  const state = { ready: true };
  const view: AdminView = {
    ready: () => state.ready,
    configDump: () => ({ version: { hash: 'abc', loaded_at: '2026-01-01T00:00:00.000Z' }, config: { listeners: [] } }),
    clusters: () => [{ name: 'backend', endpoints: [{ address: '127.0.0.1:9001', health: 'healthy' }] }],
    filters: () => [],
  };
  const log = createLogger({ write: () => {} });
  const admin = await startAdminServer({ address: '127.0.0.1:0', registry, view, log, ...(routes ? { routes } : {}) });
  t.after(() => admin.close());
  assert.equal(admin.address, '127.0.0.1');
  assert.ok(admin.port > 0);
  return { base: `http://127.0.0.1:${admin.port}`, registry, state };
}

test('GET /ready answers 200 LIVE while ready, 503 NOT READY otherwise', async (t) => {
  const { base, state } = await start(t);
  const ok = await fetch(`${base}/ready`);
  assert.equal(ok.status, 200);
  assert.match(ok.headers.get('content-type')!, /^text\/plain/);
  assert.equal(await ok.text(), 'LIVE\n');
  state.ready = false;
  const not = await fetch(`${base}/ready`);
  assert.equal(not.status, 503);
  assert.equal(await not.text(), 'NOT READY\n');
});

test('GET /stats/prometheus serves the registry in the Prometheus text format', async (t) => {
  const { base, registry } = await start(t);
  createGatewayMetrics(registry, { defaultMetrics: false }).downstreamRequest('public', 200, 1);
  const res = await fetch(`${base}/stats/prometheus`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
  const text = await res.text();
  assert.match(text, /^# TYPE sluice_downstream_requests_total counter$/m);
  assert.match(text, /^sluice_downstream_requests_total\{listener="public",status_class="2xx"\} 1$/m);
});

test('GET /config_dump, /clusters and /filters return the view as pretty JSON', async (t) => {
  const { base } = await start(t);
  const cases: [string, unknown][] = [
    ['/config_dump', { version: { hash: 'abc', loaded_at: '2026-01-01T00:00:00.000Z' }, config: { listeners: [] } }],
    ['/clusters', [{ name: 'backend', endpoints: [{ address: '127.0.0.1:9001', health: 'healthy' }] }]],
    ['/filters', []],
  ];
  for (const [path, expected] of cases) {
    const res = await fetch(base + path);
    assert.equal(res.status, 200, path);
    assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8', path);
    const text = await res.text();
    assert.equal(text, JSON.stringify(expected, null, 2) + '\n', path);
  }
});

test('GET / lists every endpoint', async (t) => {
  const { base } = await start(t);
  const res = await fetch(`${base}/`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type')!, /^text\/plain/);
  const text = await res.text();
  for (const path of ['/ready', '/stats/prometheus', '/config_dump', '/clusters', '/filters']) {
    assert.match(text, new RegExp(`^GET ${path.replace('/', '\\/')} `, 'm'), path);
  }
});

test('an unknown path is 404', async (t) => {
  const { base } = await start(t);
  const res = await fetch(`${base}/nope`);
  assert.equal(res.status, 404);
  assert.match(await res.text(), /no admin endpoint \/nope/);
});

test('a known path with another method is 405 with Allow', async (t) => {
  const { base } = await start(t);
  const res = await fetch(`${base}/ready`, { method: 'POST', body: 'x' });
  assert.equal(res.status, 405);
  assert.equal(res.headers.get('allow'), 'GET');
  await res.text();
});

test('HEAD is answered like GET without a body', async (t) => {
  const { base } = await start(t);
  const res = await fetch(`${base}/clusters`, { method: 'HEAD' });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
  assert.equal(await res.text(), '');
});

test('extra routes slot in with path parameters and request bodies', async (t) => {
  const put: AdminRoute = {
    method: 'PUT',
    path: '/filters/{name}',
    help: 'replace a filter module',
    handler: async (req) => ({
      status: 200,
      contentType: 'application/json',
      body: JSON.stringify({ name: req.params.name, bytes: (await req.body()).length, dry: req.query.get('dry_run') }),
    }),
  };
  const { base } = await start(t, [put]);
  const res = await fetch(`${base}/filters/my%20auth?dry_run=1`, { method: 'PUT', body: Buffer.alloc(1000) });
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { name: 'my auth', bytes: 1000, dry: '1' });
  const index = await (await fetch(`${base}/`)).text();
  assert.match(index, /^PUT \/filters\/\{name\} +replace a filter module$/m);
  const wrong = await fetch(`${base}/filters/x`);
  assert.equal(wrong.status, 405);
  assert.equal(wrong.headers.get('allow'), 'PUT');
  await wrong.text();
});

test('a handler that throws becomes a 500 with its message', async (t) => {
  const boom: AdminRoute = {
    method: 'POST',
    path: '/config',
    help: 'load a config',
    handler: () => {
      throw new Error('reload failed: bad file');
    },
  };
  const { base } = await start(t, [boom]);
  const res = await fetch(`${base}/config`, { method: 'POST', body: '{}' });
  assert.equal(res.status, 500);
  assert.equal(await res.text(), 'reload failed: bad file\n');
});

test('an address already in use rejects start', async (t) => {
  const first = await start(t);
  const port = new URL(first.base).port;
  const log = createLogger({ write: () => {} });
  const view: AdminView = { ready: () => true, configDump: () => ({}), clusters: () => [], filters: () => [] };
  await assert.rejects(startAdminServer({ address: `127.0.0.1:${port}`, registry: new Registry(), view, log }), {
    code: 'EADDRINUSE',
  });
});
