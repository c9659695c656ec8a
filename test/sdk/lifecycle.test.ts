/**
 * SDK lifecycle and memory: contexts are forgotten at on_delete, memory stays flat over many
 * requests, and the async features (http_call callbacks, shared data, queues, bodies) work.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FilterHarness } from '../../sdk/testing/index.js';

test('sdk: linear memory and live contexts stay flat over many requests', async (t) => {
  const h = await FilterHarness.load({
    file: 'filters/build/header-mutation.wasm',
    configuration: { request: { set: [{ name: 'x-a', value: '%REQ(x-user)%-%DOWNSTREAM_REMOTE_ADDRESS%' }] }, response: { add: [{ name: 'x-b', value: 'v' }] } },
  });
  t.after(() => h.close());
  const run = async (n: number): Promise<void> => {
    for (let i = 0; i < n; i++) await h.exchange({ headers: { 'x-user': `user-${i}`, 'x-pad': 'p'.repeat(200) } });
  };
  await run(1500); // warm up: the incremental GC settles its heap size
  const before = h.memoryBytes();
  await run(3000);
  assert.equal(h.memoryBytes(), before);
  assert.equal(h.liveContexts(), 1); // only the root is left
});

test('sdk: http_call with a callback resumes the request with data from the answer', async (t) => {
  const h = await FilterHarness.load({ file: 'examples/auth-callout/build/auth-callout.wasm', configuration: { cluster: 'auth', path: '/check' } }, {
    clusters: ['auth'],
    onHttpCall: (req) => (req.headers.authorization === 'Bearer good' ? { status: 200, headers: { 'x-user': 'alice' } } : { status: 401 }),
  });
  t.after(() => h.close());
  const ok = await h.exchange({ headers: { authorization: 'Bearer good' } });
  assert.equal(ok.status, 200);
  assert.equal(ok.upstream?.header('x-auth-user'), 'alice');
  assert.equal(h.httpCalls[0]?.request.path, '/check');
  assert.equal(h.httpCalls[0]?.request.headers.host, 'auth');
  const denied = await h.exchange({ headers: { authorization: 'Bearer bad' } });
  assert.equal(denied.status, 403);
  assert.equal(await h.metric('allowed'), 1);
  assert.equal(await h.metric('denied'), 1);
});

test('sdk: a failed http_call reaches the callback as failed', async (t) => {
  const h = await FilterHarness.load({ file: 'examples/auth-callout/build/auth-callout.wasm' }, { clusters: ['auth'] });
  t.after(() => h.close());
  const pending = h.exchange();
  const [call] = await h.waitForHttpCalls(1);
  call!.fail();
  const r = await pending;
  assert.equal(r.status, 503);
});

test('sdk: http_call to an unknown cluster returns no token and the filter answers', async (t) => {
  const h = await FilterHarness.load({ file: 'examples/auth-callout/build/auth-callout.wasm', configuration: { cluster: 'nope' } }, { clusters: ['auth'] });
  t.after(() => h.close());
  const r = await h.exchange();
  assert.equal(r.status, 503);
  assert.equal(r.text, 'auth service not configured\n');
});

test('sdk: shared data counts across streams and the queue delivers to the root', async (t) => {
  const h = await FilterHarness.load({ file: 'examples/shared-counter/build/shared-counter.wasm' });
  t.after(() => h.close());
  const a = await h.exchange({ path: '/one' });
  const b = await h.exchange({ path: '/two' });
  assert.equal(a.header('x-request-count'), '1');
  assert.equal(b.header('x-request-count'), '2');
  await new Promise((r) => setTimeout(r, 20));
  assert.ok(h.messages('info').includes('shared-counter: path /two (#2)'), h.messages().join('\n'));
});

test('sdk: a buffered request body is replaced whole and the response body appended to', async (t) => {
  const h = await FilterHarness.load({ file: 'examples/body-upper/build/body-upper.wasm' });
  t.after(() => h.close());
  const r = await h.exchange({ method: 'POST', body: ['hello ', 'wörld'], upstream: { body: ['up', 'stream'] } });
  assert.equal(r.upstream?.body.toString(), 'HELLO WÖRLD');
  assert.equal(r.text, 'upstream\n-- via body-upper');
});

test('sdk: request trailers reach onRequestTrailers', async (t) => {
  const h = await FilterHarness.load({ file: 'examples/body-upper/build/body-upper.wasm' });
  t.after(() => h.close());
  const r = await h.exchange({ method: 'POST', trailers: { 'x-checksum': 'abc', 'x-other': '1' } });
  assert.equal(r.header('x-request-trailers'), 'x-checksum,x-other');
  assert.equal(r.upstream?.trailers?.get('x-checksum'), 'abc');
});
