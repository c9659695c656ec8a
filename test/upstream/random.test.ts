import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createClusterManager } from '../../host/upstream/cluster-manager.js';
import { captureLogger, fetchVia, seededRandom, startUpstream } from './upstream-servers.js';

test('random picks endpoints roughly in proportion to weight', async (t) => {
  const mgr = await createClusterManager(
    [{ name: 'r', lb_policy: 'random', endpoints: [{ address: '127.0.0.1:1001', weight: 1 }, { address: '127.0.0.1:1002', weight: 3 }] }],
    { log: captureLogger().log, random: seededRandom(42) },
  );
  t.after(() => mgr.close());
  const cluster = mgr.get('r')!;
  let light = 0;
  const picks = 4000;
  for (let i = 0; i < picks; i++) if (cluster.chooseEndpoint(undefined)!.port === 1001) light++;
  // Expected 1000; generous bounds, the seed makes the run deterministic anyway.
  assert.ok(light > 800 && light < 1200, `light endpoint got ${light} of ${picks}`);
});

test('random requests land on every endpoint and exclude is honoured', async (t) => {
  const ups = [await startUpstream(t, 'a'), await startUpstream(t, 'b')];
  const mgr = await createClusterManager(
    [{ name: 'r2', lb_policy: 'random', endpoints: ups.map((u) => ({ address: u.address })) }],
    { log: captureLogger().log, random: seededRandom(5) },
  );
  t.after(() => mgr.close());
  const cluster = mgr.get('r2')!;
  const seen = new Set<string>();
  for (let i = 0; i < 20; i++) seen.add(await fetchVia(cluster.chooseEndpoint(undefined)!));
  assert.deepEqual([...seen].sort(), ['a', 'b']);
  const avoid = cluster.endpoints()[1]!;
  for (let i = 0; i < 50; i++) assert.notEqual(cluster.chooseEndpoint(undefined, avoid), avoid);
});
