import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FilterHarness } from '../../sdk/testing/index.js';

const WASM = 'filters/build/fault-injection.wasm';

async function load(t: { after(fn: () => unknown): void }, configuration: Record<string, unknown>): Promise<FilterHarness> {
  const h = await FilterHarness.load({ file: WASM, configuration });
  t.after(() => h.close());
  return h;
}

test('fault-injection aborts every request at 100 percent', async (t) => {
  const h = await load(t, { abort: { status: 503, percentage: 100, body: 'injected' } });
  const r = await h.exchange();
  assert.equal(r.status, 503);
  assert.equal(r.text, 'injected');
  assert.equal(r.upstream, undefined);
  assert.equal(r.details, 'fault_filter_abort');
  assert.equal(await h.metric('aborted'), 1);
});

test('fault-injection never aborts at 0 percent', async (t) => {
  const h = await load(t, { abort: { status: 503, percentage: 0 } });
  const r = await h.exchange();
  assert.equal(r.status, 200);
  assert.ok(r.upstream);
});

test('fault-injection delays a request, then forwards it', async (t) => {
  const h = await load(t, { delay: { fixed_delay_ms: 30, percentage: 100 } });
  const r = await h.exchange();
  assert.equal(r.status, 200);
  assert.ok(r.upstream);
});

test('fault-injection delays, then aborts, when both apply', async (t) => {
  const h = await load(t, { delay: { fixed_delay_ms: 20 }, abort: { status: 429 } });
  const r = await h.exchange();
  assert.equal(r.status, 429);
  assert.equal(r.upstream, undefined);
});

test('fault-injection aborts when the request header asks and header control is on', async (t) => {
  const h = await load(t, { header_control: { enabled: true } });
  const r = await h.exchange({ headers: { 'x-fault-abort': '418' } });
  assert.equal(r.status, 418);
});

test('fault-injection delays when the request header asks', async (t) => {
  const h = await load(t, { header_control: { enabled: true, delay_header: 'x-delay' } });
  const r = await h.exchange({ headers: { 'x-delay': '10' } });
  assert.equal(r.status, 200);
  assert.ok(r.upstream);
});

test('fault-injection ignores fault headers without header control', async (t) => {
  const h = await load(t, {});
  const r = await h.exchange({ headers: { 'x-fault-abort': '500' } });
  assert.equal(r.status, 200);
});

test('fault-injection rejects an abort status outside 200-599 at load', async () => {
  await assert.rejects(FilterHarness.load({ file: WASM, configuration: { abort: { status: 42 } } }));
});
