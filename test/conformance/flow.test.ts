/**
 * Conformance over HTTP: stream iteration through the gateway. Pause and resume (on request
 * headers, response headers, trailers), buffering and the per-listener buffer limit, local
 * replies (from each direction, through the response filters), body rewriting and its
 * content-length, close_stream, filter order, per-route disable / configuration.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { raw } from './client.js';
import { startConformance, tagged, until, type RouteSpec } from './harness.js';

/**
 * Pause in `cb`, arming a tick there; the tick continues the first stream of this (per-route) VM
 * (context 2) in direction `stream` and stops ticking.
 */
const RESUME = (cb: string, stream: number) => [`${cb} ret 1`, `${cb} tickset 5`, 'tick effective 2', `tick cont ${stream}`, 'tick tickset 0'];

const F: Record<string, string[]> = {
  pausereq: ['trace', ...RESUME('req_headers', 0)],
  pauseresp: ['trace', ...RESUME('resp_headers', 1)],
  accumulate: ['trace', 'req_body retnoteos 1', 'req_body bstatus 0'],
  rewrite: ['req_body retnoteos 1', 'req_body bset 0 0 100000 NEW-BODY'],
  prepend: ['resp_body bset 1 0 0 <', 'resp_body bset 1 99 0 >'],
  streamed: ['req_body bset 0 0 0 +'],
  bodyreply: ['req_body reply 400 -'],
  respreply: ['resp_headers reply 502 bad-upstream'],
  close: ['req_headers close 0'],
  trailers: ['req_body retnoteos 1', 'req_trailers log trailers-seen'],
  trailerpause: ['req_body retnoteos 1', ...RESUME('req_trailers', 0)],
  ret2: ['req_headers ret 2'],
  ret99: ['req_headers ret 99'],
  notgrpc: ['req_headers reply 200 -'],
  closeresp: ['resp_headers close 1'],
  reply204: ['req_headers reply 204 body'],
  slow: ['trace', 'req_body retnoteos 1', 'req_body bstatus 0'],
  perroute: ['req_headers add 0 x-cfg per-route'],
};
const routes: RouteSpec[] = [
  ...Object.entries(F).map(([k, lines]) => ({ prefix: `/${k}/`, filters: { f: tagged(k, ...lines) } })),
  { prefix: '/disabled/', filters: { f: false } },
];

const ready = startConformance([
  { name: 'main', filters: [{ name: 'f', script: tagged('default', 'req_headers add 0 x-cfg default') }], routes },
  {
    name: 'small', limits: { per_connection_buffer_limit_bytes: 8 }, filters: [{ name: 'b', script: tagged('default') }],
    routes: [
      { prefix: '/reqbuf/', filters: { b: tagged('reqbuf', 'req_body retnoteos 1') } },
      { prefix: '/respbuf/', filters: { b: tagged('respbuf', 'resp_body retnoteos 1') } },
      { prefix: '/respheld/', filters: { b: tagged('respheld', 'resp_headers ret 1') } },
    ],
  },
  {
    name: 'two', filters: [{ name: 'a', script: tagged('default') }, { name: 'b', script: tagged('default') }],
    routes: [
      { prefix: '/order/', filters: { a: tagged('order', 'req_headers log a-req', 'resp_headers log a-resp'),
        b: tagged('order', 'req_headers log b-req', 'resp_headers log b-resp') } },
      { prefix: '/reply/', filters: { a: tagged('reply-a', 'resp_headers log first-saw-reply', 'resp_headers add 2 x-f0 1'),
        b: tagged('reply-b', 'req_headers reply 403 denied x-why policy', 'req_headers log after-reply', 'resp_headers log second-saw-reply') } },
    ],
  },
  { name: 'old', filters: [{ name: 'o', file: 'abi010.wasm', script: ['x'] }] },
]);
after(async () => (await ready).stop());

const cbs = (lines: string[]) => lines.filter((l) => l.startsWith('cb ')).map((l) => l.split(' ')[1]);

test('flow/http: StopIteration on request headers holds the request until the filter continues', async () => {
  const c = await ready;
  const r = await c.send('main', { path: '/pausereq/', chunks: ['held'] });
  assert.equal(r.status, 200);
  assert.equal(c.upstream.seenAt('/pausereq/')[0]!.body, 'held');
  const out = c.wasm('pausereq');
  assert.deepEqual(out.filter((l) => !l.startsWith('cb ')), ['tickset s=0', 'effective s=0', 'cont s=0', 'tickset s=0']);
  // nothing of the body reached the filter before it continued
  const seq = cbs(out);
  assert.ok(seq.indexOf('tick') < seq.indexOf('req_body'), seq.join(','));
});

test('flow/http: StopIteration on response headers holds body and trailers until continue', async () => {
  const c = await ready;
  const r = await c.send('main', { path: '/pauseresp/', headers: { 'x-up-chunks': 'la,ter', 'x-up-trailer': 'x-t=1' } });
  assert.equal(r.status, 200);
  assert.equal(r.body, 'later');
  assert.equal(r.trailers['x-t'], '1');
  const seq = cbs(c.wasm('pauseresp'));
  assert.ok(seq.indexOf('tick') < seq.indexOf('resp_body'), seq.join(','));
});

test('flow/http: StopIterationAndBuffer accumulates; each call sees the total so far', async () => {
  const c = await ready;
  const r = await c.send('main', { path: '/accumulate/', chunks: ['aaa', 'bb', 'c'], chunkDelayMs: 20 });
  assert.equal(r.status, 200);
  const sizes = c.wasm('accumulate').filter((l) => l.startsWith('bstatus')).map((l) => Number(l.split(' ')[1]));
  assert.equal(sizes.at(-1), 6);
  // growing with each chunk (the empty end-of-stream call sees the same total again)
  assert.ok(sizes.every((s, i) => i === 0 || s >= sizes[i - 1]!) && new Set(sizes).size >= 2, sizes.join(','));
  assert.equal(c.upstream.seenAt('/accumulate/')[0]!.body, 'aaabbc');
});

test('flow/http: buffering a request past the listener buffer limit answers 413', async () => {
  const c = await ready;
  const r = await c.send('small', { path: '/reqbuf/', chunks: ['12345', '67890'], chunkDelayMs: 20 });
  assert.equal(r.status, 413);
  assert.equal(r.body, 'Payload Too Large');
  assert.equal(c.upstream.seenAt('/reqbuf/').length, 0); // the upstream request was cancelled before its end
});

test('flow/http: buffering a response past the limit after its headers went out resets the stream', async () => {
  const c = await ready;
  const r = await c.send('small', { path: '/respbuf/', headers: { 'x-up-chunks': '01234,56789' } });
  assert.equal(r.complete, false, JSON.stringify(r));
  assert.notEqual(r.body, '0123456789');
});

test('flow/http: a response held on headers, then over the limit, becomes a 500 local reply', async () => {
  const c = await ready;
  const r = await c.send('small', { path: '/respheld/', headers: { 'x-up-chunks': '01234,56789' } });
  assert.equal(r.status, 500);
  assert.equal(r.body, 'Internal Server Error');
});

test('flow/http: a local reply from request headers passes the response filters in reverse order', async () => {
  const c = await ready;
  const r = await c.send('two', { path: '/reply/' });
  assert.equal(r.status, 403);
  assert.equal(r.body, 'denied');
  assert.equal(r.headers['x-why'], 'policy');
  assert.equal(r.headers['x-f0'], '1');
  assert.equal(r.headers['content-length'], '6');
  assert.deepEqual(c.wasm('reply-b'), ['reply s=0', 'after-reply', 'second-saw-reply']);
  assert.deepEqual(c.wasm('reply-a'), ['first-saw-reply', 'add s=0']);
  assert.equal(c.upstream.seenAt('/reply/').length, 0);
});

test('flow/http: a local reply from a request body callback answers; the upstream request is dropped', async () => {
  const c = await ready;
  const r = await c.send('main', { path: '/bodyreply/', chunks: ['x', 'y'] });
  assert.equal(r.status, 400);
  assert.equal(r.body, '');
  assert.equal(c.upstream.seenAt('/bodyreply/').length, 0);
});

test('flow/http: a local reply from response headers replaces the upstream response', async () => {
  const c = await ready;
  const r = await c.send('main', { path: '/respreply/' });
  assert.equal(r.status, 502);
  assert.equal(r.body, 'bad-upstream');
  assert.equal(r.headers['x-upstream'], undefined);
  assert.equal(c.upstream.seenAt('/respreply/').length, 1);
});

test('flow/http: replacing a buffered request body fixes content-length', async () => {
  const c = await ready;
  const r = await c.send('main', { path: '/rewrite/', chunks: ['old', 'old'], headers: { 'content-length': '6', 'x-up-echo': '1' } });
  assert.equal(r.headers['x-up-got-length'], '8');
  assert.equal(r.body, 'NEW-BODY');
});

test('flow/http: prepend and append on a response body', async () => {
  const c = await ready;
  const r = await c.send('main', { path: '/prepend/', chunks: ['mid'], headers: { 'content-length': '3', 'x-up-echo': '1' } });
  assert.equal(r.status, 200);
  assert.equal(r.body.replaceAll('<>', ''), '<mid>'); // an empty end-of-stream call may add its own "<>"
  assert.notEqual(r.headers['content-length'], '3');
});

test('flow/http: a body rewritten chunk by chunk goes upstream without content-length', async () => {
  const c = await ready;
  const r = await c.send('main', { path: '/streamed/', chunks: ['ab', 'cd'], chunkDelayMs: 20, headers: { 'content-length': '4', 'x-up-echo': '1' } });
  assert.equal(r.headers['x-up-got-length'], 'none');
  assert.match(r.body, /^\+ab\+cd\+?$/);
});

test('flow/http: proxy_close_stream resets the client connection', async () => {
  const c = await ready;
  const r = await c.send('main', { path: '/close/' });
  assert.equal(r.complete, false);
  assert.equal(r.status, 0);
  assert.equal(c.upstream.seenAt('/close/').length, 0);
});

test('flow/http: requests pass filters in config order, responses in reverse', async () => {
  const c = await ready;
  await c.send('two', { path: '/order/' });
  await until(() => c.wasm('order').length === 4, 'four order lines');
  assert.deepEqual(c.wasm('order'), ['a-req', 'b-req', 'b-resp', 'a-resp']);
});

test('flow/http: a filter buffering the body sees the request trailers, then the body flows on', async () => {
  const c = await ready;
  const r = await c.send('main', { path: '/trailers/', chunks: ['ab', 'cd'], trailers: { 'grpc-status': '0' } });
  assert.equal(r.status, 200);
  assert.ok(c.wasm('trailers').includes('trailers-seen'));
  assert.equal(c.upstream.seenAt('/trailers/')[0]!.body, 'abcd');
});

test('flow/http: trailers stopped by a buffering filter release body and trailers on continue', async () => {
  const c = await ready;
  const r = await c.send('main', { path: '/trailerpause/', chunks: ['xy'], trailers: { t: '1' } });
  assert.equal(r.status, 200);
  assert.equal(c.upstream.seenAt('/trailerpause/')[0]!.body, 'xy');
  assert.ok(c.wasm('trailerpause').includes('cont s=0'));
});

test('flow/http: a route can disable the filter or give it another configuration', async () => {
  const c = await ready;
  await c.send('main', { path: '/plain/' });
  await c.send('main', { path: '/disabled/' });
  await c.send('main', { path: '/perroute/' });
  assert.equal(c.upstream.seenAt('/plain/')[0]!.headers['x-cfg'], 'default');
  assert.equal(c.upstream.seenAt('/disabled/')[0]!.headers['x-cfg'], undefined);
  assert.equal(c.upstream.seenAt('/perroute/')[0]!.headers['x-cfg'], 'per-route');
});

test('flow/http: header status 2 (ContinueAndEndStream) continues; an out-of-range status holds the request', async () => {
  const c = await ready;
  assert.equal((await c.send('main', { path: '/ret2/' })).status, 200);
  const held = await c.send('main', { path: '/ret99/', timeoutMs: 300 });
  assert.equal(held.error, 'timeout');
  assert.equal(c.upstream.seenAt('/ret99/').length, 0);
});

test('flow/http: a local reply with gRPC status -1 carries no grpc-status', async () => {
  const c = await ready;
  const r = await c.send('main', { path: '/notgrpc/' });
  assert.equal(r.status, 200);
  assert.equal(r.headers['grpc-status'], undefined);
});

test('flow/http: a module without body callbacks (ABI 0.1.0) leaves the body and content-length alone', async () => {
  const c = await ready;
  const r = await c.send('old', { path: '/x', chunks: ['abc'], headers: { 'content-length': '3', 'x-up-echo': '1' } });
  assert.equal(r.body, 'abc');
  assert.equal(r.headers['x-up-got-length'], '3');
  assert.ok(c.lines.some((l) => l.msg === 'wasm log o: continue_request s=0 continue_stream s=12'), c.lines.filter((l) => l.filter === 'o').map((l) => l.msg).join('\n'));
});

test('flow/http: a slow body (raw socket, pieces apart) is buffered whole; a keep-alive request after it gets a new context', async () => {
  const c = await ready;
  const head = (n: number) => `POST /slow/${n} HTTP/1.1\r\nhost: x\r\ncontent-length: 6\r\nx-up-echo: 1\r\n\r\n`;
  const res = await raw(c.port('main'), [head(1), 'ab', 'cd', 'ef', `${head(2)}123456`, 'GET /slow/3 HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n'], 30);
  assert.equal(res.closed, true);
  // the echo upstream answers (chunked) with what it received, and the content-length it saw
  const echoed = [...res.text.matchAll(/x-up-got-length: (\d+)\r\n[^]*?\r\n\r\n6\r\n(\w{6})\r\n/g)].map((m) => `${m[1]}:${m[2]}`);
  assert.deepEqual(echoed, ['6:abcdef', '6:123456']);
  assert.equal((res.text.match(/^HTTP\/1\.1 200 OK/gm) ?? []).length, 3);
  const out = c.wasm('slow');
  assert.deepEqual(out.filter((l) => l.startsWith('cb create')).map((l) => l.split(' ')[2]), ['2', '3', '4']);
  // the first body came in pieces: each buffering call saw the total so far
  const first = out.slice(0, out.indexOf('cb create 3 1 0')).filter((l) => l.startsWith('bstatus')).map((l) => Number(l.split(' ')[1]));
  assert.equal(first.at(-1), 6);
  assert.ok(first.length >= 2 && first.every((n, i) => i === 0 || n >= first[i - 1]!), first.join(','));
});

test('flow/http: proxy_close_stream(HTTP_RESPONSE) in on_response_headers resets before the response reaches the client', async () => {
  const c = await ready;
  const r = await c.send('main', { path: '/closeresp/' });
  assert.equal(r.complete, false);
  assert.equal(r.status, 0, JSON.stringify(r));
  assert.equal(r.body, '');
});

test('flow/http: a local reply with status 204 carries neither body nor content-length', async () => {
  const c = await ready;
  const r = await c.send('main', { path: '/reply204/' });
  assert.equal(r.status, 204);
  assert.equal(r.body, '');
  assert.equal(r.headers['content-length'], undefined);
});
