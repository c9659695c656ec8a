import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FilterHarness } from '../../sdk/testing/index.js';

const WASM = 'filters/build/ip-restriction.wasm';

async function load(t: { after(fn: () => unknown): void }, configuration: Record<string, unknown>): Promise<FilterHarness> {
  const h = await FilterHarness.load({ file: WASM, configuration });
  t.after(() => h.close());
  return h;
}

test('ip-restriction allows a client inside an IPv4 allow range', async (t) => {
  const h = await load(t, { allow: ['10.0.0.0/8'] });
  const r = await h.exchange({ remoteAddress: '10.20.30.40' });
  assert.equal(r.status, 200);
});

test('ip-restriction rejects a client outside the allow list with 403', async (t) => {
  const h = await load(t, { allow: ['10.0.0.0/8'] });
  const r = await h.exchange({ remoteAddress: '192.168.1.1' });
  assert.equal(r.status, 403);
  assert.equal(r.upstream, undefined);
  assert.equal(await h.metric('denied'), 1);
});

test('ip-restriction deny wins over allow', async (t) => {
  const h = await load(t, { allow: ['10.0.0.0/8'], deny: ['10.9.0.0/16'] });
  assert.equal((await h.exchange({ remoteAddress: '10.9.1.1' })).status, 403);
  assert.equal((await h.exchange({ remoteAddress: '10.8.1.1' })).status, 200);
});

test('ip-restriction matches IPv6 ranges', async (t) => {
  const h = await load(t, { allow: ['2001:db8::/32', '::1'] });
  assert.equal((await h.exchange({ remoteAddress: '2001:db8:1::5' })).status, 200);
  assert.equal((await h.exchange({ remoteAddress: '::1' })).status, 200);
  assert.equal((await h.exchange({ remoteAddress: '2001:db9::1' })).status, 403);
});

test('ip-restriction applies IPv4 rules to IPv4-mapped IPv6 clients', async (t) => {
  const h = await load(t, { deny: ['203.0.113.0/24'] });
  assert.equal((await h.exchange({ remoteAddress: '::ffff:203.0.113.7' })).status, 403);
  assert.equal((await h.exchange({ remoteAddress: '198.51.100.1' })).status, 200);
});

test('ip-restriction uses the configured status and message', async (t) => {
  const h = await load(t, { deny: ['0.0.0.0/0'], status: 451, message: 'go away' });
  const r = await h.exchange({ remoteAddress: '1.2.3.4' });
  assert.equal(r.status, 451);
  assert.equal(r.text, 'go away');
});

test('ip-restriction refuses an invalid CIDR at load', async () => {
  await assert.rejects(FilterHarness.load({ file: WASM, configuration: { allow: ['10.0.0.0/33'] } }));
  await assert.rejects(FilterHarness.load({ file: WASM, configuration: { deny: ['2001:db8:::1/64'] } }));
});

test('ip-restriction refuses a status outside 200-599 at load', async () => {
  await assert.rejects(FilterHarness.load({ file: WASM, configuration: { deny: ['10.0.0.0/8'], status: 1000 } }), /status/);
  await assert.rejects(FilterHarness.load({ file: WASM, configuration: { deny: ['10.0.0.0/8'], status: 99 } }), /status/);
});
