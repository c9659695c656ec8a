import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FilterHarness } from '../../sdk/testing/index.js';

const WASM = 'filters/build/local-ratelimit.wasm';
// One fill per hour: no refill can happen during a test, so counts are exact.
const HOUR = 3_600_000;

async function load(t: { after(fn: () => unknown): void }, configuration: Record<string, unknown>): Promise<FilterHarness> {
  const h = await FilterHarness.load({ file: WASM, configuration });
  t.after(() => h.close());
  return h;
}

test('local-ratelimit allows max_tokens requests, then answers 429 with Retry-After', async (t) => {
  const h = await load(t, { key: 'client_ip', max_tokens: 2, fill_interval_ms: HOUR });
  const a = await h.exchange();
  const b = await h.exchange();
  const c = await h.exchange();
  assert.deepEqual([a.status, b.status, c.status], [200, 200, 429]);
  assert.equal(c.upstream, undefined);
  assert.ok(Number(c.header('retry-after')) >= 1);
  assert.equal(c.header('x-ratelimit-remaining'), '0');
  assert.equal(await h.metric('limited'), 1);
});

test('local-ratelimit reports limit and remaining tokens on allowed responses', async (t) => {
  const h = await load(t, { max_tokens: 5, fill_interval_ms: HOUR });
  const r = await h.exchange();
  assert.equal(r.header('x-ratelimit-limit'), '5');
  assert.equal(r.header('x-ratelimit-remaining'), '4');
  assert.ok(Number(r.header('x-ratelimit-reset')) > 0);
});

test('local-ratelimit keeps one bucket per client address', async (t) => {
  const h = await load(t, { key: 'client_ip', max_tokens: 1, fill_interval_ms: HOUR });
  const a = await h.exchange({ remoteAddress: '10.0.0.1' });
  const b = await h.exchange({ remoteAddress: '10.0.0.2' });
  const a2 = await h.exchange({ remoteAddress: '10.0.0.1', remotePort: 41000 });
  assert.deepEqual([a.status, b.status, a2.status], [200, 200, 429]);
});

test('local-ratelimit keys buckets by a header value', async (t) => {
  const h = await load(t, { key: 'header', header: 'x-api-key', max_tokens: 1, fill_interval_ms: HOUR });
  const a = await h.exchange({ headers: { 'x-api-key': 'one' } });
  const b = await h.exchange({ headers: { 'x-api-key': 'two' } });
  const a2 = await h.exchange({ headers: { 'x-api-key': 'one' } });
  assert.deepEqual([a.status, b.status, a2.status], [200, 200, 429]);
});

test('local-ratelimit keys buckets by route name', async (t) => {
  const h = await load(t, { key: 'route', max_tokens: 1, fill_interval_ms: HOUR });
  const a = await h.exchange({ routeName: 'orders' });
  const b = await h.exchange({ routeName: 'users' });
  const a2 = await h.exchange({ routeName: 'orders' });
  assert.deepEqual([a.status, b.status, a2.status], [200, 200, 429]);
});

test('local-ratelimit refills tokens after the fill interval', async (t) => {
  const h = await load(t, { key: 'global', max_tokens: 1, fill_interval_ms: 20 });
  assert.equal((await h.exchange()).status, 200);
  await new Promise((r) => setTimeout(r, 60));
  assert.equal((await h.exchange()).status, 200);
});

test('local-ratelimit uses the configured status', async (t) => {
  const h = await load(t, { key: 'global', max_tokens: 1, fill_interval_ms: HOUR, status: 503 });
  await h.exchange();
  assert.equal((await h.exchange()).status, 503);
});

test('local-ratelimit refuses an unknown key kind', async () => {
  await assert.rejects(FilterHarness.load({ file: WASM, configuration: { key: 'cookie', max_tokens: 1 } }));
});

test('local-ratelimit refuses a status outside 200-599 at load', async () => {
  await assert.rejects(FilterHarness.load({ file: WASM, configuration: { max_tokens: 1, status: 0 } }), /status/);
  await assert.rejects(FilterHarness.load({ file: WASM, configuration: { max_tokens: 1, status: 1000 } }), /status/);
});

test('local-ratelimit max_keys bounds the buckets: colliding keys share one while it is not full', async (t) => {
  const h = await load(t, { key: 'header', header: 'x-api-key', max_keys: 1, max_tokens: 1, fill_interval_ms: HOUR });
  const a = await h.exchange({ headers: { 'x-api-key': 'one' } });
  const b = await h.exchange({ headers: { 'x-api-key': 'two' } });
  const c = await h.exchange({ headers: { 'x-api-key': 'three' } });
  assert.deepEqual([a.status, b.status, c.status], [200, 429, 429]);
});

test('local-ratelimit max_keys: another key takes over a slot whose bucket refilled', async (t) => {
  const h = await load(t, { key: 'header', header: 'x-api-key', max_keys: 1, max_tokens: 1, fill_interval_ms: 20 });
  assert.equal((await h.exchange({ headers: { 'x-api-key': 'one' } })).status, 200);
  await new Promise((r) => setTimeout(r, 60));
  const b = await h.exchange({ headers: { 'x-api-key': 'two' } });
  assert.equal(b.status, 200);
  assert.equal(b.header('x-ratelimit-remaining'), '0');
});

test('local-ratelimit refuses max_keys outside 1-16777216', async () => {
  await assert.rejects(FilterHarness.load({ file: WASM, configuration: { max_tokens: 1, max_keys: 0 } }), /max_keys/);
});

test('local-ratelimit: two filters on one vm_id keep apart buckets unless they share a name', async (t) => {
  const rl = (name: string, configuration: Record<string, unknown>) => ({ file: WASM, name, vmId: 'rl', configuration });
  const config = { key: 'global', max_tokens: 2, fill_interval_ms: HOUR };
  const apart = await FilterHarness.load([rl('first', config), rl('second', config)]);
  t.after(() => apart.close());
  // Each filter takes one token per request from its own bucket of 2.
  assert.deepEqual([(await apart.exchange()).status, (await apart.exchange()).status, (await apart.exchange()).status], [200, 200, 429]);
  const shared = { ...config, name: 'team' };
  const together = await FilterHarness.load([rl('first', shared), rl('second', shared)]);
  t.after(() => together.close());
  // Both filters draw from one bucket: the first request takes both tokens.
  assert.deepEqual([(await together.exchange()).status, (await together.exchange()).status], [200, 429]);
});
