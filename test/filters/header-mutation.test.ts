import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FilterHarness } from '../../sdk/testing/index.js';

const WASM = 'filters/build/header-mutation.wasm';

async function load(t: { after(fn: () => unknown): void }, configuration: Record<string, unknown>): Promise<FilterHarness> {
  const h = await FilterHarness.load({ file: WASM, rootId: 'header-mutation', configuration });
  t.after(() => h.close());
  return h;
}

test('header-mutation removes, sets and adds request headers', async (t) => {
  const h = await load(t, {
    request: { remove: ['x-internal'], set: [{ name: 'x-env', value: 'prod' }], add: [{ name: 'x-tag', value: 'b' }] },
  });
  const r = await h.exchange({ headers: { 'x-internal': 'secret', 'x-env': 'dev', 'x-tag': 'a' } });
  assert.equal(r.upstream?.header('x-internal'), undefined);
  assert.deepEqual(r.upstream?.headers.getAll('x-env'), ['prod']);
  assert.deepEqual(r.upstream?.headers.getAll('x-tag'), ['a', 'b']);
});

test('header-mutation renders %REQ(x)% and %DOWNSTREAM_REMOTE_ADDRESS% templates', async (t) => {
  const h = await load(t, {
    request: {
      set: [
        { name: 'x-user-copy', value: 'user=%REQ(x-user)%' },
        { name: 'x-client', value: '%DOWNSTREAM_REMOTE_ADDRESS%' },
        { name: 'x-client-ip', value: '%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%' },
        { name: 'x-pct', value: '100%%' },
      ],
    },
  });
  const r = await h.exchange({ headers: { 'x-user': 'alice' }, remoteAddress: '10.1.2.3', remotePort: 5555 });
  assert.equal(r.upstream?.header('x-user-copy'), 'user=alice');
  assert.equal(r.upstream?.header('x-client'), '10.1.2.3:5555');
  assert.equal(r.upstream?.header('x-client-ip'), '10.1.2.3');
  assert.equal(r.upstream?.header('x-pct'), '100%');
});

test('header-mutation renders an absent request header as empty', async (t) => {
  const h = await load(t, { request: { set: [{ name: 'x-copy', value: '[%REQ(x-missing)%]' }] } });
  const r = await h.exchange();
  assert.equal(r.upstream?.header('x-copy'), '[]');
});

test('header-mutation changes response headers, reading request headers captured earlier', async (t) => {
  const h = await load(t, {
    response: { remove: ['server'], set: [{ name: 'x-served-for', value: '%REQ(x-user)%' }], add: [{ name: 'x-via', value: 'sluice' }] },
  });
  const r = await h.exchange({ headers: { 'x-user': 'bob' }, upstream: { headers: { server: 'nginx' } } });
  assert.equal(r.header('server'), undefined);
  assert.equal(r.header('x-served-for'), 'bob');
  assert.equal(r.header('x-via'), 'sluice');
});

test('header-mutation rejects an unterminated template at load', async () => {
  await assert.rejects(
    FilterHarness.load({ file: WASM, configuration: { request: { set: [{ name: 'x', value: '%REQ(x)' }] } } }),
  );
});
