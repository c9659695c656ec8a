// header-mutation (filters/header-mutation): template variables beyond %REQ()%, and values
// rendered from the headers as they arrived (before this filter's own removals).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FilterHarness } from '../../sdk/testing/index.js';

const WASM = 'filters/build/header-mutation.wasm';

async function load(t: { after(fn: () => unknown): void }, configuration: Record<string, unknown>): Promise<FilterHarness> {
  const h = await FilterHarness.load({ file: WASM, rootId: 'header-mutation', configuration });
  t.after(() => h.close());
  return h;
}

test('header-mutation: a removed request header can still be copied under a new name', async (t) => {
  const h = await load(t, { request: { remove: ['x-user'], set: [{ name: 'x-fwd-user', value: '%REQ(x-user)%' }] } });
  const r = await h.exchange({ headers: { 'x-user': 'bob' } });
  assert.equal(r.upstream?.header('x-user'), undefined);
  assert.equal(r.upstream?.header('x-fwd-user'), 'bob');
});

test('header-mutation renders %RESP(x)% from the response, also after removing it', async (t) => {
  const h = await load(t, {
    response: { remove: ['x-upstream-id'], set: [{ name: 'x-origin-id', value: 'id=%RESP(x-upstream-id)%' }] },
  });
  const r = await h.exchange({ upstream: { headers: { 'x-upstream-id': 'u-7' } } });
  assert.equal(r.header('x-upstream-id'), undefined);
  assert.equal(r.header('x-origin-id'), 'id=u-7');
});

test('header-mutation renders %PROTOCOL%, %REQUEST_ID% and %DOWNSTREAM_LOCAL_ADDRESS%', async (t) => {
  const h = await load(t, {
    request: {
      set: [
        { name: 'x-proto', value: '%PROTOCOL%' },
        { name: 'x-rid', value: 'rid=%REQUEST_ID%' },
        { name: 'x-local', value: '%DOWNSTREAM_LOCAL_ADDRESS%' },
      ],
    },
  });
  const r = await h.exchange({ headers: { 'x-request-id': 'abc-123' } });
  assert.equal(r.upstream?.header('x-proto'), 'HTTP/1.1');
  assert.equal(r.upstream?.header('x-rid'), 'rid=abc-123');
  // The harness's listener address.
  assert.equal(r.upstream?.header('x-local'), '127.0.0.1:8080');
});

test('header-mutation rejects an unknown template variable at load', async () => {
  await assert.rejects(
    FilterHarness.load({ file: WASM, configuration: { request: { set: [{ name: 'x', value: '%NOPE%' }] } } }),
  );
});
