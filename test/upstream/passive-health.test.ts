import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createClusterManager } from '../../host/upstream/cluster-manager.js';
import type { Cluster, Endpoint } from '../../host/upstream/contract.js';
import { captureLogger, closedPort, fetchVia, startUpstream } from './upstream-servers.js';

/** One request the way the proxy sends it: counters around it, errors classified. */
async function send(c: Cluster): Promise<string> {
  const ep = c.chooseEndpoint(undefined)!;
  c.onRequestStart(ep);
  try {
    const body = await fetchVia(ep);
    c.onRequestEnd(ep, 'ok');
    return body;
  } catch (err) {
    // The proxy classifies errors in full; a refused connection is all these tests produce.
    c.onRequestEnd(ep, (err as { code?: string }).code === 'ECONNREFUSED' ? 'connect_failure' : 'reset');
    return `error:${ep.port}`;
  }
}

function failTimes(c: Cluster, ep: Endpoint, n: number): void {
  for (let i = 0; i < n; i++) {
    c.onRequestStart(ep);
    c.onRequestEnd(ep, 'connect_failure');
  }
}

test('connect failures to a closed port eject the endpoint and traffic goes to the healthy one', async (t) => {
  const good = await startUpstream(t, 'good');
  const bad = await closedPort();
  const { log, lines } = captureLogger();
  const mgr = await createClusterManager(
    [{ name: 'ph', endpoints: [{ address: `127.0.0.1:${bad}` }, { address: good.address }] }],
    { log },
  );
  t.after(() => mgr.close());
  const c = mgr.get('ph')!;
  const first = [];
  for (let i = 0; i < 6; i++) first.push(await send(c));
  assert.deepEqual(first, [`error:${bad}`, 'good', `error:${bad}`, 'good', `error:${bad}`, 'good']);
  const badEp = c.endpoints().find((e) => e.port === bad)!;
  assert.equal(badEp.health, 'unhealthy');
  assert.ok(lines.some((l) => l.level === 'warn' && l.endpoint === `127.0.0.1:${bad}`));
  const after = [];
  for (let i = 0; i < 6; i++) after.push(await send(c));
  assert.deepEqual(after, Array(6).fill('good'));
});

test('an ejected endpoint returns after the ejection time, and a repeat ejection lasts twice as long', async (t) => {
  let now = 1_000_000;
  const mgr = await createClusterManager(
    [{ name: 'ph', endpoints: [{ address: '127.0.0.1:1001' }, { address: '127.0.0.1:1002' }] }],
    { log: captureLogger().log, now: () => now },
  );
  t.after(() => mgr.close());
  const c = mgr.get('ph')!;
  const [a, b] = c.endpoints() as [Endpoint, Endpoint];
  const picks = (): Set<Endpoint> => new Set([0, 1, 2, 3].map(() => c.chooseEndpoint(undefined)!));

  failTimes(c, a, 3);
  assert.deepEqual(picks(), new Set([b]));
  now += 9_999;
  assert.deepEqual(picks(), new Set([b]));
  now += 1;
  assert.deepEqual(picks(), new Set([a, b]));
  assert.equal(a.health, 'healthy');

  failTimes(c, a, 3);
  now += 19_999;
  assert.deepEqual(picks(), new Set([b]));
  now += 1;
  assert.deepEqual(picks(), new Set([a, b]));
});

test('ejection time doubles up to the 5 minute cap', async (t) => {
  let now = 0;
  const mgr = await createClusterManager(
    [{ name: 'ph', endpoints: [{ address: '127.0.0.1:1001' }, { address: '127.0.0.1:1002' }] }],
    { log: captureLogger().log, now: () => now },
  );
  t.after(() => mgr.close());
  const c = mgr.get('ph')!;
  const a = c.endpoints()[0]!;
  for (const ms of [10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000]) {
    failTimes(c, a, 3);
    now += ms - 1;
    c.chooseEndpoint(undefined);
    assert.equal(a.health, 'unhealthy', `still ejected just before ${ms}ms`);
    now += 1;
    c.chooseEndpoint(undefined);
    assert.equal(a.health, 'healthy', `back after ${ms}ms`);
  }
});

test('an endpoint that stays healthy as long as its last ejection starts over at the base ejection time', async (t) => {
  let now = 0;
  const mgr = await createClusterManager(
    [{ name: 'ph', endpoints: [{ address: '127.0.0.1:1001' }, { address: '127.0.0.1:1002' }] }],
    { log: captureLogger().log, now: () => now },
  );
  t.after(() => mgr.close());
  const c = mgr.get('ph')!;
  const a = c.endpoints()[0]!;
  failTimes(c, a, 3);
  now += 10_000;
  c.chooseEndpoint(undefined);
  now += 10_000;
  c.onRequestStart(a);
  c.onRequestEnd(a, 'ok');
  failTimes(c, a, 3);
  now += 10_000;
  c.chooseEndpoint(undefined);
  assert.equal(a.health, 'healthy');
});

test('a success between connect failures resets the count', async (t) => {
  const mgr = await createClusterManager(
    [{ name: 'ph', endpoints: [{ address: '127.0.0.1:1001' }, { address: '127.0.0.1:1002' }] }],
    { log: captureLogger().log },
  );
  t.after(() => mgr.close());
  const c = mgr.get('ph')!;
  const a = c.endpoints()[0]!;
  failTimes(c, a, 2);
  c.onRequestStart(a);
  c.onRequestEnd(a, 'ok');
  failTimes(c, a, 2);
  assert.equal(a.health, 'healthy');
});

test('when every endpoint is unhealthy the cluster balances over all of them (panic mode)', async (t) => {
  const { log, lines } = captureLogger();
  const mgr = await createClusterManager(
    [{ name: 'ph', endpoints: [{ address: '127.0.0.1:1001' }, { address: '127.0.0.1:1002' }] }],
    { log },
  );
  t.after(() => mgr.close());
  const c = mgr.get('ph')!;
  for (const ep of c.endpoints()) failTimes(c, ep, 3);
  assert.ok(c.endpoints().every((e) => e.health === 'unhealthy'));
  const seen = new Set([0, 1, 2, 3].map(() => c.chooseEndpoint(undefined)));
  assert.deepEqual(seen, new Set(c.endpoints()));
  assert.ok(lines.some((l) => l.level === 'warn' && String(l.msg).includes('panic')));
  assert.equal((c.describe() as { panic: boolean }).panic, true);
});

test('a retry excludes the endpoint that just failed when another healthy one exists', async (t) => {
  const good = await startUpstream(t, 'good');
  const mgr = await createClusterManager(
    [{ name: 'ph', endpoints: [{ address: good.address }, { address: `127.0.0.1:${await closedPort()}` }] }],
    { log: captureLogger().log },
  );
  t.after(() => mgr.close());
  const c = mgr.get('ph')!;
  const failing = c.endpoints()[1]!;
  for (let i = 0; i < 4; i++) assert.equal(await fetchVia(c.chooseEndpoint(undefined, failing)!), 'good');
});
