import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FilterHarness } from '../../sdk/testing/index.js';

const WASM = 'filters/build/hello.wasm';

test('hello adds x-hello with the configuration to the upstream request', async (t) => {
  const h = await FilterHarness.load({ file: WASM, rootId: 'hello', configuration: 'from sluice' });
  t.after(() => h.close());
  const r = await h.exchange({ path: '/' });
  assert.equal(r.upstream?.header('x-hello'), 'from sluice');
});

test('hello adds x-hello to the response', async (t) => {
  const h = await FilterHarness.load({ file: WASM, rootId: 'hello', configuration: 'hi' });
  t.after(() => h.close());
  const r = await h.exchange({ upstream: { status: 201, body: 'ok' } });
  assert.equal(r.status, 201);
  assert.equal(r.header('x-hello'), 'hi');
  assert.equal(r.text, 'ok');
});

test('hello greets with "hello" when unconfigured', async (t) => {
  const h = await FilterHarness.load({ file: WASM });
  t.after(() => h.close());
  const r = await h.exchange();
  assert.equal(r.upstream?.header('x-hello'), 'hello');
});
