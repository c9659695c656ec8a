/**
 * workers: 2 serving: both workers take connections, and the admin server in the primary
 * aggregates them. One supervised process is shared by these tests (none changes its state).
 */
import { strict as assert } from 'node:assert';
import { after, before, test, type TestContext } from 'node:test';
import { get, startSupervised, twoWorkerConfig, type Supervised } from './supervised.js';
import { okUpstream } from './upstream.js';

const REQUESTS = 20;
let sup: Supervised;
let ports: { listener: number; admin: number };

// Module-level before/after get no TestContext on Node 20: collect the cleanups for after().
const cleanups: (() => unknown)[] = [];
const suiteContext = { after: (fn: () => unknown) => cleanups.push(fn) } as unknown as TestContext;
after(async () => {
  for (const fn of cleanups.reverse()) await fn();
});

before(async () => {
  const t = suiteContext;
  const upstream = await okUpstream(t);
  sup = await startSupervised(t, twoWorkerConfig(upstream));
  ports = await sup.ready();
  for (let i = 0; i < REQUESTS; i++) {
    const r = await get(ports.listener, `/r${i}`);
    assert.equal(r.status, 200);
    assert.equal(r.body, 'ok');
  }
});

test('two workers both serve requests', async () => {
  const workers = await sup.workers(ports.admin);
  assert.equal(workers.length, 2);
  assert.notEqual(workers[0]!.pid, workers[1]!.pid);
  for (const w of workers) {
    assert.equal(w.state, 'ready');
    assert.ok((w.summary?.downstream_requests ?? 0) > 0, `worker ${w.worker} served nothing: ${JSON.stringify(workers)}`);
  }
});

test('/stats/prometheus counts the requests of all workers', async () => {
  const r = await get(ports.admin, '/stats/prometheus');
  assert.equal(r.status, 200);
  assert.equal(r.headers['x-sluice-workers-answered'], '2/2');
  const m = /^sluice_downstream_requests_total\{listener="public",status_class="2xx"\} (\d+)$/m.exec(r.body);
  assert.ok(m, r.body);
  assert.equal(Number(m[1]), REQUESTS);
  assert.match(r.body, /^sluice_workers_serving 2$/m);
});

test('/ready is LIVE when every worker is ready', async () => {
  const r = await get(ports.admin, '/ready');
  assert.equal(r.status, 200);
  assert.equal(r.body.trim(), 'LIVE');
});

test('/config_dump and /clusters say which worker answered', async () => {
  const workers = await sup.workers(ports.admin);
  for (const path of ['/config_dump', '/clusters']) {
    const r = await get(ports.admin, path);
    assert.equal(r.status, 200);
    assert.equal(r.headers['x-sluice-worker'], '1');
    assert.equal(r.headers['x-sluice-worker-pid'], String(workers[0]!.pid));
  }
  // The worker runs without admin; the dump still shows the config as written.
  const dump = JSON.parse((await get(ports.admin, '/config_dump')).body) as { config: { admin?: unknown; listeners: unknown[] } };
  assert.equal(dump.config.listeners.length, 1);
  assert.deepEqual(dump.config.admin, { address: '127.0.0.1:0' });
});
