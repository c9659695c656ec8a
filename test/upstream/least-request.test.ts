import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createClusterManager } from '../../host/upstream/cluster-manager.js';
import { captureLogger, fetchVia, seededRandom, startUpstream } from './upstream-servers.js';

test('least_request sends new requests to the idle endpoint while the other holds requests open', async (t) => {
  const held: (() => void)[] = [];
  const busy = await startUpstream(t, 'busy', (release) => held.push(release));
  const idle = await startUpstream(t, 'idle');
  const mgr = await createClusterManager(
    [{ name: 'lr', lb_policy: 'least_request', endpoints: [{ address: busy.address }, { address: idle.address }] }],
    { log: captureLogger().log, random: seededRandom(7) },
  );
  t.after(() => mgr.close());
  const cluster = mgr.get('lr')!;
  const busyEp = cluster.endpoints().find((e) => e.port === busy.port)!;
  // Two requests in flight on `busy`, held by its server.
  const pending = [0, 1].map(() => {
    cluster.onRequestStart(busyEp);
    return fetchVia(busyEp).finally(() => cluster.onRequestEnd(busyEp, 'ok'));
  });
  while (held.length < 2) await new Promise((r) => setTimeout(r, 5));
  const answers: string[] = [];
  for (let i = 0; i < 10; i++) {
    const ep = cluster.chooseEndpoint(undefined)!;
    cluster.onRequestStart(ep);
    answers.push(await fetchVia(ep));
    cluster.onRequestEnd(ep, 'ok');
  }
  assert.deepEqual(answers, Array(10).fill('idle'));
  for (const release of held) release();
  assert.deepEqual(await Promise.all(pending), ['busy', 'busy']);
});

test('least_request compares active requests relative to weight', async (t) => {
  const mgr = await createClusterManager(
    [{ name: 'lrw', lb_policy: 'least_request', endpoints: [{ address: '127.0.0.1:1001', weight: 4 }, { address: '127.0.0.1:1002', weight: 1 }] }],
    { log: captureLogger().log, random: seededRandom(3) },
  );
  t.after(() => mgr.close());
  const cluster = mgr.get('lrw')!;
  const heavy = cluster.endpoints()[0]!;
  const light = cluster.endpoints()[1]!;
  heavy.activeRequests = 3; // 3 / 4 = 0.75
  light.activeRequests = 1; // 1 / 1 = 1
  for (let i = 0; i < 10; i++) assert.equal(cluster.chooseEndpoint(undefined), heavy);
  heavy.activeRequests = 8; // 2 > 1
  for (let i = 0; i < 10; i++) assert.equal(cluster.chooseEndpoint(undefined), light);
});

test('least_request with exclude returns the other endpoint', async (t) => {
  const mgr = await createClusterManager(
    [{ name: 'lrx', lb_policy: 'least_request', endpoints: [{ address: '127.0.0.1:1001' }, { address: '127.0.0.1:1002' }, { address: '127.0.0.1:1003' }] }],
    { log: captureLogger().log, random: seededRandom(11) },
  );
  t.after(() => mgr.close());
  const cluster = mgr.get('lrx')!;
  const avoid = cluster.endpoints()[0]!;
  for (let i = 0; i < 50; i++) assert.notEqual(cluster.chooseEndpoint(undefined, avoid), avoid);
});

/** Share of `picks` idle-cluster picks each endpoint gets, in endpoint order. */
async function idleShares(t: import('node:test').TestContext, weights: number[], picks: number): Promise<number[]> {
  const endpoints = weights.map((weight, i) => ({ address: `127.0.0.1:${2001 + i}`, weight }));
  const mgr = await createClusterManager(
    [{ name: 'lrd', lb_policy: 'least_request', endpoints }],
    { log: captureLogger().log, random: seededRandom(42) },
  );
  t.after(() => mgr.close());
  const cluster = mgr.get('lrd')!;
  const eps = cluster.endpoints();
  const counts = eps.map(() => 0);
  for (let i = 0; i < picks; i++) counts[eps.indexOf(cluster.chooseEndpoint(undefined)!)]!++;
  return counts.map((c) => c / picks);
}

function assertShares(actual: number[], expected: number[]): void {
  actual.forEach((share, i) => assert.ok(Math.abs(share - expected[i]!) < 0.03, `endpoint ${i}: ${share} vs ${expected[i]}`));
}

test('least_request spreads an idle cluster evenly when weights are equal', async (t) => {
  assertShares(await idleShares(t, [1, 1, 1, 1], 8000), [0.25, 0.25, 0.25, 0.25]);
});

test('least_request follows weights when loads tie (two endpoints)', async (t) => {
  assertShares(await idleShares(t, [3, 1], 8000), [0.75, 0.25]);
});

test('least_request follows weights when loads tie (several endpoints)', async (t) => {
  assertShares(await idleShares(t, [1, 2, 5], 8000), [0.125, 0.25, 0.625]);
});
