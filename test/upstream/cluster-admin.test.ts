import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pool } from 'undici';
import { createClusterManager } from '../../host/upstream/cluster-manager.js';
import { captureLogger, fetchVia, startUpstream } from './upstream-servers.js';

interface EndpointView {
  address: string; ip: string; port: number; weight: number; health: string;
  active_requests: number; total_requests: number; connect_failures: number;
  pool: { connected: number; free: number; pending: number; running: number };
}

test('describe reports endpoints, counters and pool stats; max_connections_per_endpoint caps the pool', async (t) => {
  const held: (() => void)[] = [];
  let hold = true;
  const up = await startUpstream(t, 'a', (release) => (hold ? held.push(release) : release()));
  const mgr = await createClusterManager(
    [{ name: 'adm', lb_policy: 'least_request', max_connections_per_endpoint: 2, endpoints: [{ address: up.address, weight: 3 }] }],
    { log: captureLogger().log },
  );
  t.after(() => mgr.close());
  const c = mgr.get('adm')!;
  const ep = c.chooseEndpoint(undefined)!;
  const inflight = [0, 1, 2].map(() => {
    c.onRequestStart(ep);
    return fetchVia(ep).finally(() => c.onRequestEnd(ep, 'ok'));
  });
  for (let i = 0; i < 400 && held.length < 2; i++) await new Promise((r) => setTimeout(r, 5));
  const view = c.describe() as { name: string; lb_policy: string; endpoints: EndpointView[] };
  assert.equal(view.name, 'adm');
  assert.equal(view.lb_policy, 'least_request');
  const e = view.endpoints[0]!;
  assert.deepEqual(
    { address: e.address, ip: e.ip, port: e.port, weight: e.weight, health: e.health, active: e.active_requests, total: e.total_requests, failures: e.connect_failures },
    { address: up.address, ip: '127.0.0.1', port: up.port, weight: 3, health: 'healthy', active: 3, total: 3, failures: 0 },
  );
  // Two connections (the cap), both busy; the third request waits in the pool.
  assert.equal(held.length, 2);
  assert.equal(e.pool.connected, 2);
  assert.equal(e.pool.running, 2);
  assert.equal(e.pool.pending, 1);
  hold = false;
  for (const release of held) release();
  assert.deepEqual(await Promise.all(inflight), ['a', 'a', 'a']);
  assert.equal(ep.activeRequests, 0);
});

test('IPv6 endpoints get a bracketed origin', async (t) => {
  const mgr = await createClusterManager([{ name: 'v6', endpoints: [{ address: '[::1]:8080' }] }], { log: captureLogger().log });
  t.after(() => mgr.close());
  const ep = mgr.get('v6')!.endpoints()[0]!;
  assert.equal(ep.ip, '::1');
  assert.equal(ep.origin, 'http://[::1]:8080');
});

test('close closes every pool', async (t) => {
  const up = await startUpstream(t, 'a');
  const mgr = await createClusterManager([{ name: 'c', endpoints: [{ address: up.address }] }], { log: captureLogger().log });
  const ep = mgr.get('c')!.endpoints()[0]!;
  assert.equal(await fetchVia(ep), 'a');
  await mgr.close();
  assert.equal((ep.dispatcher as Pool).destroyed, true);
  assert.equal(mgr.get('c')!.chooseEndpoint(undefined), null);
});

test('all() and get() list the configured clusters', async (t) => {
  const mgr = await createClusterManager(
    [{ name: 'one', endpoints: [] }, { name: 'two', lb_policy: 'maglev', endpoints: [{ address: '127.0.0.1:1' }] }],
    { log: captureLogger().log },
  );
  t.after(() => mgr.close());
  assert.deepEqual(mgr.all().map((c) => c.name), ['one', 'two']);
  assert.equal(mgr.get('three'), undefined);
  assert.equal(mgr.get('two')!.connectTimeoutMs, 5000);
});
