/**
 * Conformance over HTTP: proxy_http_call from a paused request to a gateway cluster, answered on
 * the root context (proxy_on_http_call_response): success (maps 6 and body 4 readable, the
 * request resumes with a header the verdict added), a local reply from the call response, a
 * connection failure (503) and a timeout (504) answered as responses, as Envoy's async client
 * does, a reset (zero counts, BrokenConnection status), bad arguments.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { sleep, startConformance, tagged, until, type RouteSpec } from './harness.js';

const F: Record<string, string[]> = {
  ok: ['req_headers call up /check 2000', 'req_headers ret 1', 'call_resp get 6 :status', 'call_resp get 6 x-upstream',
    'call_resp body 4 0 100', 'call_resp status', 'call_resp add 0 x-auth yes', 'call_resp cont 0'],
  deny: ['req_headers call up /status/403 2000', 'req_headers ret 1', 'call_resp get 6 :status', 'call_resp reply 401 no-entry'],
  fail: ['req_headers call dead /x 2000', 'req_headers ret 1', 'trace', 'call_resp status', 'call_resp get 6 :status',
    'call_resp body 4 0 200', 'call_resp cont 0'],
  timeout: ['req_headers call up /hang 50', 'req_headers ret 1', 'trace', 'call_resp status', 'call_resp get 6 :status',
    'call_resp body 4 0 100', 'call_resp cont 0'],
  reset: ['req_headers call up /cut 2000', 'req_headers ret 1', 'trace', 'call_resp status', 'call_resp get 6 :status', 'call_resp cont 0'],
  badarg: ['req_headers call nosuch /x 100', 'req_headers call up /x 100 noauthority'],
  gone: ['trace', 'req_headers call up /hang 300', 'req_headers ret 1', 'call_resp status', 'call_resp cont 0'],
};
const routes: RouteSpec[] = Object.entries(F).map(([k, lines]) => ({ prefix: `/${k}/`, filters: { hc: tagged(k, ...lines) } }));

const ready = startConformance([{ name: 'l', filters: [{ name: 'hc', script: tagged('default') }], routes }]);
after(async () => (await ready).stop());

test('http_call/http: the response reaches proxy_on_http_call_response; the filter resumes the request', async () => {
  const c = await ready;
  const r = await c.send('l', { path: '/ok/' });
  assert.equal(r.status, 200);
  assert.deepEqual(c.wasm('ok'), ['call s=0', 'get :status=200 s=0', 'get x-upstream=up s=0', 'body ok from up s=0',
    'status 0 ok s=0', 'add s=0', 'cont s=0']);
  const call = c.upstream.seenAt('/check')[0]!;
  assert.equal(call.method, 'GET');
  assert.equal(call.headers.host, 'test');
  assert.equal(c.upstream.seenAt('/ok/')[0]!.headers['x-auth'], 'yes');
});

test('http_call/http: a local reply from the call response answers the paused request', async () => {
  const c = await ready;
  const r = await c.send('l', { path: '/deny/' });
  assert.equal(r.status, 401);
  assert.equal(r.body, 'no-entry');
  assert.deepEqual(c.wasm('deny'), ['call s=0', 'get :status=403 s=0', 'reply s=0']);
  assert.equal(c.upstream.seenAt('/deny/').length, 0);
});

test('http_call/http: a connection failure arrives as Envoy\'s 503 response, not as a failure', async () => {
  const c = await ready;
  const r = await c.send('l', { path: '/fail/' });
  assert.equal(r.status, 200);
  const out = c.wasm('fail');
  const body = 'upstream connect error or disconnect/reset before headers. reset reason: connection failure';
  // :status, content-length, content-type
  assert.ok(out.includes(`cb call_resp 1 3 ${body.length}`), out.join('\n'));
  assert.ok(out.includes('status 0 ok s=0'), out.join('\n'));
  assert.ok(out.includes('get :status=503 s=0'));
  assert.ok(out.includes(`body ${body} s=0`));
});

test('http_call/http: a call past its timeout arrives as Envoy\'s 504 "upstream request timeout"', async () => {
  const c = await ready;
  const r = await c.send('l', { path: '/timeout/' });
  assert.equal(r.status, 200);
  assert.equal(c.upstream.seenAt('/hang').length, 1); // the call went out; the upstream never answered
  const out = c.wasm('timeout');
  assert.ok(out.includes(`cb call_resp 1 3 ${'upstream request timeout'.length}`), out.join('\n'));
  assert.ok(out.includes('status 0 ok s=0'));
  assert.ok(out.includes('get :status=504 s=0'));
  assert.ok(out.includes('body upstream request timeout s=0'));
});

test('http_call/http: a reset once the response started arrives as zero counts with BrokenConnection "reset"', async () => {
  const c = await ready;
  const r = await c.send('l', { path: '/reset/' });
  assert.equal(r.status, 200);
  const out = c.wasm('reset');
  assert.ok(out.includes('cb call_resp 1 0 0'), out.join('\n'));
  assert.ok(out.includes('status 11 reset s=0'));
  assert.ok(out.includes('get :status= s=2'));
});

test('http_call/http: an unknown cluster or missing :authority is BadArgument', async () => {
  const c = await ready;
  const r = await c.send('l', { path: '/badarg/' });
  assert.equal(r.status, 200);
  assert.deepEqual(c.wasm('badarg'), ['call s=2', 'call s=2']);
});

test('http_call/http: a call still pending when its stream ends is cancelled (no proxy_on_http_call_response)', async () => {
  const c = await ready;
  const r = await c.send('l', { path: '/gone/', timeoutMs: 100 }); // the client gives up while the call is pending
  assert.equal(r.error, 'timeout');
  await until(() => c.wasm('gone').includes('cb delete 2 0 0'), 'proxy_on_delete');
  await sleep(500); // past the call's 300 ms timeout
  assert.deepEqual(c.wasm('gone').filter((l) => l.startsWith('cb call_resp')), []);
});
