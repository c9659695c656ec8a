import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HeaderMap } from '../../host/http/header-map.js';
import type { Route } from '../../host/router/contract.js';
import { chain, collector, load, RecordingSink, reqHeaders, respHeaders, settle, until } from './harness.js';

async function stream(configs: string[], limit = 1024, opts: Parameters<typeof load>[1] = {}) {
  const loaded = [];
  for (let i = 0; i < configs.length; i++) loaded.push(await load(configs[i]!, { name: `f${i}`, ...opts }));
  const sink = new RecordingSink();
  const s = chain(loaded.map((l) => l.plugin), limit).createStream(sink.info, sink, null);
  return { s, sink, logs: loaded.map((l) => l.logs) };
}

test('flow: StopIteration on request headers pauses until the filter continues', async () => {
  const { s, sink, logs } = await stream(['req_headers ret 1\nconfigure tickset 5\ntick effective 2\ntick cont 0\ntick tickset 0']);
  s.decodeHeaders(reqHeaders(), false);
  assert.deepEqual(sink.names(), ['pause']);
  s.decodeData(Buffer.from('held'), true);
  assert.deepEqual(sink.names(), ['pause']);
  await until(() => sink.names().includes('reqData'));
  assert.deepEqual(sink.events, [['pause'], ['resume'], ['reqHeaders', false], ['reqData', 'held', true]]);
  assert.deepEqual(logs[0]!.wasm(), ['tickset s=0', 'effective s=0', 'cont s=0', 'tickset s=0']);
});

test('flow: body that arrived during the pause reaches the paused filter after continue', async () => {
  const { s, sink, logs } = await stream(['trace\nreq_headers ret 1\nconfigure tickset 5\ntick effective 2\ntick cont 0\ntick tickset 0']);
  s.decodeHeaders(reqHeaders(), false);
  s.decodeData(Buffer.from('ab'), false);
  s.decodeData(Buffer.from('cd'), true);
  await until(() => sink.names().includes('reqData'));
  assert.ok(logs[0]!.wasm().includes('cb req_body 2 4 1'));
  assert.deepEqual(sink.events.at(-1), ['reqData', 'abcd', true]);
});

test('flow: StopIterationAndBuffer accumulates; the next call sees the total size', async () => {
  const { s, sink, logs } = await stream(['trace\nreq_body retnoteos 1\nreq_body bstatus 0']);
  s.decodeHeaders(reqHeaders(), false);
  s.decodeData(Buffer.from('aaa'), false);
  s.decodeData(Buffer.from('bb'), false);
  s.decodeData(Buffer.from('c'), true);
  const sizes = logs[0]!.wasm().filter((l) => l.startsWith('bstatus'));
  assert.deepEqual(sizes, ['bstatus 3 s=0', 'bstatus 5 s=0', 'bstatus 6 s=0']);
  assert.deepEqual(sink.events.filter((e) => e[0] === 'reqData'), [['reqData', 'aaabbc', true]]);
});

test('flow: buffering a request past the buffer limit answers 413', async () => {
  const { s, sink } = await stream(['req_body retnoteos 1'], 8);
  s.decodeHeaders(reqHeaders(), false);
  s.decodeData(Buffer.from('12345'), false);
  s.decodeData(Buffer.from('67890'), false);
  assert.deepEqual(sink.events.filter((e) => e[0] !== 'pause' && e[0] !== 'resume'),
    [['reqHeaders', false], ['cancel'], ['respHeaders', '413', false], ['respData', 'Payload Too Large', true]]);
  assert.equal(sink.info.responseCodeDetails, 'request_payload_too_large');
});

test('flow: buffering a response past the buffer limit answers 500', async () => {
  const { s, sink } = await stream(['resp_body retnoteos 1'], 8);
  s.decodeHeaders(reqHeaders(), true);
  s.encodeHeaders(respHeaders(200), false);
  s.encodeData(Buffer.from('0123456789'), false);
  // The response headers had already gone downstream: the stream is reset instead.
  assert.deepEqual(sink.events.at(-1), ['reset', 'response_payload_too_large']);
});

test('flow: a response held on headers then over the limit becomes a 500 local reply', async () => {
  const { s, sink } = await stream(['resp_headers ret 1'], 8);
  s.decodeHeaders(reqHeaders(), true);
  s.encodeHeaders(respHeaders(200), false);
  s.encodeData(Buffer.from('0123456789'), false);
  assert.deepEqual(sink.events.slice(1), [['cancel'], ['respHeaders', '500', false], ['respData', 'Internal Server Error', true]]);
});

test('flow: a local reply from request headers passes the response filters, in reverse order', async () => {
  const { s, sink, logs } = await stream(['resp_headers log first-saw-reply\nresp_headers add 2 x-f0 1',
    'req_headers reply 403 denied x-why policy\nreq_headers log after-reply\nresp_headers log second-saw-reply']);
  s.decodeHeaders(reqHeaders(), true);
  assert.deepEqual(logs[1]!.wasm(), ['reply s=0', 'after-reply', 'second-saw-reply']);
  assert.deepEqual(logs[0]!.wasm(), ['first-saw-reply', 'add s=0']);
  assert.deepEqual(sink.events, [['respHeaders', '403', false], ['respData', 'denied', true]]);
  const h = sink.responseHeaders!;
  assert.equal(h.get('x-why'), 'policy');
  assert.equal(h.get('x-f0'), '1');
  assert.equal(h.get('content-length'), '6');
  assert.equal(sink.info.responseCodeDetails, 'from_script');
});

test('flow: later upstream events are ignored after a local reply', async () => {
  const { s, sink } = await stream(['req_body reply 400 -']);
  s.decodeHeaders(reqHeaders(), false);
  s.decodeData(Buffer.from('x'), false);
  s.encodeHeaders(respHeaders(200), true);
  s.decodeData(Buffer.from('y'), true);
  assert.deepEqual(sink.events, [['reqHeaders', false], ['cancel'], ['respHeaders', '400', true]]);
});

test('flow: a local reply from response headers goes straight downstream', async () => {
  const { s, sink } = await stream(['resp_headers reply 502 bad-upstream']);
  s.decodeHeaders(reqHeaders(), true);
  s.encodeHeaders(respHeaders(200), false);
  s.encodeData(Buffer.from('ignored'), true);
  assert.deepEqual(sink.events, [['reqHeaders', true], ['cancel'], ['respHeaders', '502', false], ['respData', 'bad-upstream', true]]);
});

test('flow: replacing a buffered body fixes content-length and forwards the new body', async () => {
  const { s, sink } = await stream(['req_body retnoteos 1\nreq_body bset 0 0 100000 NEW-BODY']);
  s.decodeHeaders(reqHeaders(['content-length', '6']), false);
  s.decodeData(Buffer.from('old'), false);
  s.decodeData(Buffer.from('old'), true);
  assert.equal(sink.requestHeaders!.get('content-length'), '8');
  assert.deepEqual(sink.events.filter((e) => e[0] === 'reqData'), [['reqData', 'NEW-BODY', true]]);
});

test('flow: prepend and append on a response body chunk', async () => {
  const { s, sink } = await stream(['resp_body bset 1 0 0 <\nresp_body bset 1 99 0 >']);
  s.decodeHeaders(reqHeaders(), true);
  s.encodeHeaders(respHeaders(200, ['content-length', '3']), false);
  s.encodeData(Buffer.from('mid'), true);
  assert.deepEqual(sink.events.slice(-1), [['respData', '<mid>', true]]);
  assert.equal(sink.responseHeaders!.get('content-length'), '5');
});

test('flow: a module without body callbacks never sees body chunks; they pass as is', async () => {
  const { plugin } = await load('x', { module: 'abi010' });
  const sink = new RecordingSink();
  const s = chain([plugin]).createStream(sink.info, sink, null);
  s.decodeHeaders(reqHeaders(['content-length', '3']), false);
  const chunk = Buffer.from('abc');
  s.decodeData(chunk, true);
  assert.equal(sink.requestBody[0], chunk); // the very same Buffer: no copy
  assert.equal(sink.requestHeaders!.get('content-length'), '3');
});

test('flow: proxy_close_stream resets the stream', async () => {
  const { s, sink } = await stream(['req_headers close 0']);
  s.decodeHeaders(reqHeaders(), true);
  await settle();
  assert.deepEqual(sink.events.at(-1), ['reset', 'wasm_close_stream']);
});

test('flow: StopIteration on response headers holds the body until continue', async () => {
  const { s, sink } = await stream(['resp_headers ret 1\nconfigure tickset 5\ntick effective 2\ntick cont 1\ntick tickset 0'], 1 << 20);
  s.decodeHeaders(reqHeaders(), true);
  s.encodeHeaders(respHeaders(201), false);
  s.encodeData(Buffer.from('later'), false);
  s.encodeTrailers(new HeaderMap(['x-t', '1']));
  assert.deepEqual(sink.names(), ['reqHeaders']);
  await until(() => sink.names().includes('respTrailers'));
  assert.deepEqual(sink.events.slice(1), [['respHeaders', '201', false], ['respData', 'later', false], ['respTrailers', [['x-t', '1']]]]);
});

test('flow: a rewritten streamed body (several chunks) goes without content-length', async () => {
  const { s, sink } = await stream(['req_body bset 0 0 0 +']);
  s.decodeHeaders(reqHeaders(['content-length', '4']), false);
  s.decodeData(Buffer.from('ab'), false);
  s.decodeData(Buffer.from('cd'), true);
  assert.equal(sink.requestHeaders!.has('content-length'), false);
  assert.deepEqual(sink.events.filter((e) => e[0] === 'reqData').map((e) => e[1]), ['+ab', '+cd']);
});

test('flow: requests pass filters in order, responses in reverse', async () => {
  const logs = collector();
  const a = await load('req_headers log a-req\nresp_headers log a-resp', { name: 'a', logs });
  const b = await load('req_headers log b-req\nresp_headers log b-resp', { name: 'b', logs });
  const sink = new RecordingSink();
  const s = chain([a.plugin, b.plugin]).createStream(sink.info, sink, null);
  s.decodeHeaders(reqHeaders(), true);
  s.encodeHeaders(respHeaders(), true);
  assert.deepEqual(logs.wasm(), ['a-req', 'b-req', 'b-resp', 'a-resp']);
});

test('flow: a filter buffering the body sees the trailers, then body and trailers flow on', async () => {
  const { s, sink, logs } = await stream(['trace\nreq_body retnoteos 1\nreq_trailers log trailers-seen']);
  s.decodeHeaders(reqHeaders(), false);
  s.decodeData(Buffer.from('ab'), false);
  s.decodeData(Buffer.from('cd'), false);
  s.decodeTrailers(new HeaderMap(['grpc-status', '0']));
  assert.ok(logs[0]!.wasm().includes('trailers-seen'));
  assert.deepEqual(sink.events.filter((e) => e[0] !== 'reqHeaders'), [['reqData', 'abcd', false], ['reqTrailers', [['grpc-status', '0']]]]);
});

test('flow: trailers stopped by a buffering filter release body and trailers on continue', async () => {
  const { s, sink } = await stream(['req_body retnoteos 1\nreq_trailers ret 1\nconfigure tickset 5\ntick effective 2\ntick cont 0\ntick tickset 0']);
  s.decodeHeaders(reqHeaders(), false);
  s.decodeData(Buffer.from('xy'), false);
  s.decodeTrailers(new HeaderMap(['t', '1']));
  assert.deepEqual(sink.names(), ['reqHeaders']);
  await until(() => sink.names().includes('reqTrailers'));
  assert.deepEqual(sink.events.slice(1), [['reqData', 'xy', false], ['reqTrailers', [['t', '1']]]]);
});

function routeWith(filters: Record<string, { disabled?: boolean; configuration?: string }>): Route {
  return { kind: 'direct_response', name: 'r', virtualHostName: 'v', requestHeaders: undefined, responseHeaders: undefined,
    filters, status: 200, body: Buffer.alloc(0), headers: [] };
}

test('flow: a route can disable a filter or give it another configuration', async () => {
  const { plugin } = await load('req_headers add 0 x-cfg default', { name: 'f' });
  const c = chain([plugin]);
  const run = (route: Route | null) => {
    const sink = new RecordingSink();
    c.createStream(sink.info, sink, route).decodeHeaders(reqHeaders(), true);
    return sink.requestHeaders?.get('x-cfg');
  };
  assert.equal(run(null), 'default');
  assert.equal(run(routeWith({ f: { disabled: true } })), undefined);
  assert.equal(run(routeWith({ f: { configuration: 'req_headers add 0 x-cfg per-route' } })), 'per-route');
  assert.equal(run(routeWith({ f: { configuration: 'configure ret 0' } })), undefined); // failed configure → fail_closed
});

test('flow: header status 2 (ContinueAndEndStream) continues; out-of-range values stop', async () => {
  const a = await stream(['req_headers ret 2']);
  a.s.decodeHeaders(reqHeaders(), true);
  assert.deepEqual(a.sink.names(), ['reqHeaders']);
  const b = await stream(['req_headers ret 99']);
  b.s.decodeHeaders(reqHeaders(), true);
  assert.deepEqual(b.sink.names(), ['pause']);
});

test('flow: a local reply with a gRPC status carries grpc-status', async () => {
  const { plugin } = await load('x', { module: 'abi010' });
  assert.ok(plugin);
  const { s, sink } = await stream(['req_headers reply 200 -']);
  s.decodeHeaders(reqHeaders(), true);
  assert.equal(sink.responseHeaders!.get('grpc-status'), undefined); // the script passes -1: not gRPC
});
