import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request, simpleConfig, startGateway, startUpstream, type Upstream } from './harness.js';

async function three(t: import('node:test').TestContext): Promise<Upstream[]> {
  return [await startUpstream(t, 'u0'), await startUpstream(t, 'u1'), await startUpstream(t, 'u2')];
}

function cluster(policy: string, ups: Upstream[]) {
  return [{ name: 'b', lb_policy: policy, endpoints: ups.map((u) => ({ address: u.address })) }];
}

const hashByHeader = [{ match: { prefix: '/' }, route: { cluster: 'b', hash_policy: [{ header: { header_name: 'x-user' } }] } }];
const plain = [{ match: { prefix: '/' }, route: { cluster: 'b' } }];

test('round_robin spreads 9 requests 3/3/3 over 3 upstreams', async (t) => {
  const ups = await three(t);
  const { port } = await startGateway(t, simpleConfig(plain, cluster('round_robin', ups)));
  for (let i = 0; i < 9; i++) await request(port);
  assert.deepEqual(ups.map((u) => u.seen.length), [3, 3, 3]);
});

for (const policy of ['random', 'least_request']) {
  test(`${policy} reaches every upstream`, async (t) => {
    const ups = await three(t);
    const { port } = await startGateway(t, simpleConfig(plain, cluster(policy, ups)));
    for (let i = 0; i < 60; i++) await request(port);
    // 60 picks over 3: missing one entirely has probability below 1e-10 for a uniform pick.
    for (const u of ups) assert.ok(u.seen.length > 0, `${policy} never picked one upstream`);
    assert.equal(ups.reduce((n, u) => n + u.seen.length, 0), 60);
  });
}

for (const policy of ['ring_hash', 'maglev']) {
  test(`${policy} keyed by a header keeps affinity and spreads keys`, async (t) => {
    const ups = await three(t);
    const { port } = await startGateway(t, simpleConfig(hashByHeader, cluster(policy, ups)));
    const owner = new Map<string, string>();
    for (let round = 0; round < 3; round++) {
      for (let k = 0; k < 20; k++) {
        const r = await request(port, { headers: { 'x-user': `user-${k}` } });
        const prev = owner.get(`user-${k}`);
        if (prev !== undefined) assert.equal(r.body, prev, `user-${k} moved`);
        owner.set(`user-${k}`, r.body);
      }
    }
    assert.ok(new Set(owner.values()).size > 1, '20 keys all landed on one upstream');
  });
}
