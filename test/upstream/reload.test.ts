import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pool } from 'undici';
import { createClusterManager } from '../../host/upstream/cluster-manager.js';
import { captureLogger, fetchVia, startUpstream } from './upstream-servers.js';

test('a reload keeps unchanged clusters (and their pools) and rebuilds changed ones', async (t) => {
  const up = await startUpstream(t, 'a');
  const log = captureLogger().log;
  const old = await createClusterManager(
    [{ name: 'same', endpoints: [{ address: up.address }] }, { name: 'changed', endpoints: [{ address: up.address }] }],
    { log },
  );
  const next = await createClusterManager(
    [{ endpoints: [{ address: up.address }], name: 'same' }, { name: 'changed', lb_policy: 'random', endpoints: [{ address: up.address }] }],
    { log, previous: old },
  );
  t.after(() => Promise.all([old.close(), next.close()]));
  assert.equal(next.get('same'), old.get('same'));
  assert.notEqual(next.get('changed'), old.get('changed'));

  const kept = next.get('same')!.endpoints()[0]!;
  const dropped = old.get('changed')!.endpoints()[0]!;
  await old.close();
  assert.equal((dropped.dispatcher as Pool).destroyed, true);
  assert.equal((kept.dispatcher as Pool).destroyed, false);
  assert.equal(await fetchVia(next.get('same')!.chooseEndpoint(undefined)!), 'a');

  await next.close();
  assert.equal((kept.dispatcher as Pool).destroyed, true);
});
