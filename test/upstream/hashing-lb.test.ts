import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createClusterManager } from '../../host/upstream/cluster-manager.js';
import type { ClusterManager } from '../../host/upstream/contract.js';
import type { LbPolicy } from '../../host/config/types.js';
import { hashString } from '../../host/router/hash.js';
import { captureLogger, fetchVia, seededRandom, startUpstream } from './upstream-servers.js';

const KEYS = Array.from({ length: 2000 }, (_, i) => hashString(`user-${i}`));

async function manager(policy: LbPolicy, ports: number[], weights?: number[]): Promise<ClusterManager> {
  return createClusterManager(
    [{ name: 'h', lb_policy: policy, endpoints: ports.map((p, i) => ({ address: `127.0.0.1:${p}`, weight: weights?.[i] ?? 1 })) }],
    { log: captureLogger().log, random: seededRandom(9) },
  );
}

/** Port each key maps to. */
function mapping(mgr: ClusterManager): number[] {
  const c = mgr.get('h')!;
  return KEYS.map((k) => c.chooseEndpoint(k)!.port);
}

for (const policy of ['ring_hash', 'maglev'] as const) {
  test(`${policy}: the same hash always reaches the same server`, async (t) => {
    const ups = [await startUpstream(t, 'a'), await startUpstream(t, 'b'), await startUpstream(t, 'c')];
    const mgr = await manager(policy, ups.map((u) => u.port));
    t.after(() => mgr.close());
    const c = mgr.get('h')!;
    const hash = hashString('session-1234');
    const first = await fetchVia(c.chooseEndpoint(hash)!);
    for (let i = 0; i < 5; i++) assert.equal(await fetchVia(c.chooseEndpoint(hash)!), first);
  });

  test(`${policy}: different hashes spread over every endpoint`, async (t) => {
    const mgr = await manager(policy, [1001, 1002, 1003, 1004]);
    t.after(() => mgr.close());
    const counts = new Map<number, number>();
    for (const p of mapping(mgr)) counts.set(p, (counts.get(p) ?? 0) + 1);
    assert.equal(counts.size, 4);
    // 500 expected each; generous bounds.
    for (const [port, n] of counts) assert.ok(n > 300 && n < 700, `${port} got ${n} of ${KEYS.length}`);
  });

  test(`${policy}: endpoints get keys in proportion to weight`, async (t) => {
    const mgr = await manager(policy, [1001, 1002], [1, 3]);
    t.after(() => mgr.close());
    const light = mapping(mgr).filter((p) => p === 1001).length;
    assert.ok(light > 350 && light < 650, `weight-1 endpoint got ${light} of ${KEYS.length}`);
  });

  test(`${policy}: removing an endpoint remaps only a minority of keys`, async (t) => {
    const five = await manager(policy, [1001, 1002, 1003, 1004, 1005]);
    const four = await manager(policy, [1001, 1002, 1003, 1004]);
    t.after(() => Promise.all([five.close(), four.close()]));
    const before = mapping(five);
    const after = mapping(four);
    let moved = 0;
    let movedFromKept = 0;
    before.forEach((p, i) => {
      if (p !== after[i]) moved++;
      if (p !== 1005 && p !== after[i]) movedFromKept++;
    });
    // Only the removed endpoint's share (~1/5) must move; a naive modulo would move ~4/5.
    assert.ok(moved < KEYS.length * 0.35, `${moved} of ${KEYS.length} keys moved`);
    assert.ok(movedFromKept < KEYS.length * 0.05, `${movedFromKept} keys moved off endpoints that stayed`);
  });

  test(`${policy}: a retry excluding the chosen endpoint gets another, stable one`, async (t) => {
    const mgr = await manager(policy, [1001, 1002, 1003]);
    t.after(() => mgr.close());
    const c = mgr.get('h')!;
    const hash = hashString('retry-me');
    const first = c.chooseEndpoint(hash)!;
    const second = c.chooseEndpoint(hash, first)!;
    assert.notEqual(second, first);
    assert.equal(c.chooseEndpoint(hash, first), second);
  });

  test(`${policy}: without a hash the pick is random over the endpoints`, async (t) => {
    const mgr = await manager(policy, [1001, 1002]);
    t.after(() => mgr.close());
    const c = mgr.get('h')!;
    const seen = new Set<number>();
    for (let i = 0; i < 50; i++) seen.add(c.chooseEndpoint(undefined)!.port);
    assert.equal(seen.size, 2);
  });
}
