import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createClusterManager } from '../../host/upstream/cluster-manager.js';
import { captureLogger, fetchVia, startUpstream } from './upstream-servers.js';

test('round_robin rotates exactly over equal-weight endpoints, and requests land on them', async (t) => {
  const ups = [await startUpstream(t, 'a'), await startUpstream(t, 'b'), await startUpstream(t, 'c')];
  const mgr = await createClusterManager(
    [{ name: 'backend', lb_policy: 'round_robin', endpoints: ups.map((u) => ({ address: u.address })) }],
    { log: captureLogger().log },
  );
  t.after(() => mgr.close());
  const cluster = mgr.get('backend')!;
  const got: string[] = [];
  for (let i = 0; i < 6; i++) {
    const ep = cluster.chooseEndpoint(undefined)!;
    cluster.onRequestStart(ep);
    got.push(await fetchVia(ep));
    cluster.onRequestEnd(ep, 'ok');
  }
  assert.deepEqual(got, ['a', 'b', 'c', 'a', 'b', 'c']);
});

test('round_robin honours weights 1:3 over 400 picks', async (t) => {
  const mgr = await createClusterManager(
    [{ name: 'w', endpoints: [{ address: '127.0.0.1:1001', weight: 1 }, { address: '127.0.0.1:1002', weight: 3 }] }],
    { log: captureLogger().log },
  );
  t.after(() => mgr.close());
  const cluster = mgr.get('w')!;
  const counts = new Map<number, number>();
  for (let i = 0; i < 400; i++) {
    const ep = cluster.chooseEndpoint(undefined)!;
    counts.set(ep.port, (counts.get(ep.port) ?? 0) + 1);
  }
  assert.equal(counts.get(1001), 100);
  assert.equal(counts.get(1002), 300);
});

test('round_robin with exclude skips the endpoint that just failed', async (t) => {
  const mgr = await createClusterManager(
    [{ name: 'x', endpoints: [{ address: '127.0.0.1:1001' }, { address: '127.0.0.1:1002' }] }],
    { log: captureLogger().log },
  );
  t.after(() => mgr.close());
  const cluster = mgr.get('x')!;
  const first = cluster.chooseEndpoint(undefined)!;
  for (let i = 0; i < 5; i++) assert.notEqual(cluster.chooseEndpoint(undefined, first), first);
});

test('a cluster with no endpoints picks null', async (t) => {
  const mgr = await createClusterManager([{ name: 'empty', endpoints: [] }], { log: captureLogger().log });
  t.after(() => mgr.close());
  assert.equal(mgr.get('empty')!.chooseEndpoint(undefined), null);
});
