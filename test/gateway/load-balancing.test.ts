import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
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

/** GET / from a chosen loopback source address (all of 127/8 reaches the lo interface on Linux). */
function requestFrom(port: number, localAddress: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path: '/', localAddress, agent: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Asks `ask(k)` three times for each of 20 keys; asserts each key sticks, and the keys spread. */
async function assertAffinity(ask: (k: number) => Promise<string>): Promise<void> {
  const owner = new Map<number, string>();
  for (let round = 0; round < 3; round++) {
    for (let k = 0; k < 20; k++) {
      const body = await ask(k);
      const prev = owner.get(k);
      if (prev !== undefined) assert.equal(body, prev, `key ${k} moved`);
      owner.set(k, body);
    }
  }
  assert.ok(new Set(owner.values()).size > 1, '20 keys all landed on one upstream');
}

for (const policy of ['ring_hash', 'maglev']) {
  test(`${policy} keyed by the source IP keeps each client on one upstream`, async (t) => {
    const ups = await three(t);
    const routes = [{ match: { prefix: '/' }, route: { cluster: 'b', hash_policy: [{ connection_properties: { source_ip: true } }] } }];
    const { port } = await startGateway(t, simpleConfig(routes, cluster(policy, ups)));
    await assertAffinity((k) => requestFrom(port, `127.0.0.${10 + k}`));
  });

  test(`${policy} keyed by a cookie keeps each session on one upstream`, async (t) => {
    const ups = await three(t);
    const routes = [{ match: { prefix: '/' }, route: { cluster: 'b', hash_policy: [{ cookie: { name: 'session' } }] } }];
    const { port } = await startGateway(t, simpleConfig(routes, cluster(policy, ups)));
    await assertAffinity(async (k) => (await request(port, { headers: { cookie: `theme=dark; session=s-${k}; lang=en` } })).body);
  });
}

test('least_request follows endpoint weights end to end', async (t) => {
  const heavy = await startUpstream(t, 'heavy');
  const light = await startUpstream(t, 'light');
  const clusters = [{
    name: 'b', lb_policy: 'least_request',
    endpoints: [{ address: heavy.address, weight: 4 }, { address: light.address, weight: 1 }],
  }];
  let seed = 1;
  // A fixed pseudo-random sequence (LCG) keeps the split reproducible.
  const random = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
  const { port } = await startGateway(t, simpleConfig(plain, clusters), { random });
  for (let i = 0; i < 200; i++) await request(port);
  // Sequential requests leave both idle at each pick: a weighted split of 160/40 is expected.
  assert.ok(heavy.seen.length >= 140 && heavy.seen.length <= 180, `heavy got ${heavy.seen.length} of 200`);
  assert.equal(heavy.seen.length + light.seen.length, 200);
});
