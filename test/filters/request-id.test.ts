import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FilterHarness } from '../../sdk/testing/index.js';

const WASM = 'filters/build/request-id.wasm';
const UUID4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

test('request-id generates a UUID v4 and echoes it on the response', async (t) => {
  const h = await FilterHarness.load({ file: WASM });
  t.after(() => h.close());
  const r = await h.exchange();
  const id = r.upstream?.header('x-request-id');
  assert.match(id ?? '', UUID4);
  assert.equal(r.header('x-request-id'), id);
});

test('request-id gives every request a different id', async (t) => {
  const h = await FilterHarness.load({ file: WASM });
  t.after(() => h.close());
  const a = await h.exchange();
  const b = await h.exchange();
  assert.notEqual(a.upstream?.header('x-request-id'), b.upstream?.header('x-request-id'));
});

test('request-id propagates an incoming id', async (t) => {
  const h = await FilterHarness.load({ file: WASM });
  t.after(() => h.close());
  const r = await h.exchange({ headers: { 'x-request-id': 'abc-123' } });
  assert.equal(r.upstream?.header('x-request-id'), 'abc-123');
  assert.equal(r.header('x-request-id'), 'abc-123');
});

test('request-id replaces an incoming id when trust_incoming is false', async (t) => {
  const h = await FilterHarness.load({ file: WASM, configuration: { trust_incoming: false, header: 'x-trace' } });
  t.after(() => h.close());
  const r = await h.exchange({ headers: { 'x-trace': 'abc-123' } });
  assert.match(r.upstream?.header('x-trace') ?? '', UUID4);
});

test('request-id replaces an incoming id with unsafe characters', async (t) => {
  const h = await FilterHarness.load({ file: WASM });
  t.after(() => h.close());
  const r = await h.exchange({ headers: { 'x-request-id': 'a b<script>' } });
  assert.match(r.upstream?.header('x-request-id') ?? '', UUID4);
});

test('request-id does not echo when echo_on_response is false', async (t) => {
  const h = await FilterHarness.load({ file: WASM, configuration: { echo_on_response: false } });
  t.after(() => h.close());
  const r = await h.exchange();
  assert.equal(r.header('x-request-id'), undefined);
});
