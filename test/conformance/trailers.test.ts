/**
 * Conformance over HTTP: trailers added from a body callback at end of stream (Envoy's
 * addDecodedTrailers / addEncodedTrailers, ABI reference §3.3). The body then goes on without
 * end of stream and the new trailers follow it: later filters get proxy_on_*_trailers, an
 * HTTP/1.1 chunked client gets the response trailers. Before the end of the body, or when
 * trailers already exist, nothing is created.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { startConformance, tagged } from './harness.js';

const ready = startConformance([
  { name: 'resp', filters: [{ name: 'rt', script: tagged('rt', 'resp_body add 3 x-added yes', 'resp_body @eos get 3 x-added') }] },
  { name: 'req', filters: [
    { name: 'adder', script: tagged('adder', 'req_body add 1 x-req-added v1') },
    { name: 'later', script: tagged('later', 'trace', 'req_trailers get 1 x-req-added', 'req_body log body-end-of-stream-seen') },
  ] },
]);
after(async () => (await ready).stop());

test('trailers/http: response trailers added in on_response_body at end of stream reach the chunked client', async () => {
  const c = await ready;
  const r = await c.send('resp', { path: '/rt', headers: { 'x-up-chunks': 'a,b' } });
  assert.equal(r.status, 200);
  assert.equal(r.body, 'ab');
  assert.equal(r.trailers['x-added'], 'yes');
  const out = c.wasm('rt');
  // Two chunks without end of stream: no trailers to add to (BadArgument); then the end: created.
  assert.deepEqual(out, ['add s=2', 'add s=2', 'add s=0', 'get x-added=yes s=0']);
});

test('trailers/http: response trailers are not created when the upstream sent its own', async () => {
  const c = await ready;
  const r = await c.send('resp', { path: '/rt-own', headers: { 'x-up-trailer': 'x-up=1' } });
  assert.equal(r.trailers['x-up'], '1');
  assert.equal(r.trailers['x-added'], undefined);
});

test('trailers/http: request trailers added in on_request_body at end of stream reach the later filter', async () => {
  const c = await ready;
  const r = await c.send('req', { path: '/req-trailers', chunks: ['abc'] });
  assert.equal(r.status, 200);
  assert.equal(c.upstream.seenAt('/req-trailers')[0]!.body, 'abc');
  assert.deepEqual(c.wasm('adder'), ['add s=2', 'add s=0']);
  const later = c.wasm('later').filter((l) => !l.startsWith('cb configure'));
  const cbs = later.filter((l) => l.startsWith('cb req_'));
  // The later filter sees the body without end of stream, then the trailers.
  assert.deepEqual(cbs.map((l) => l.split(' ').slice(0, 2).join(' ')).at(-1), 'cb req_trailers');
  assert.ok(cbs.every((l) => !/^cb req_body \d+ \d+ 1$/.test(l)), later.join('\n'));
  assert.ok(later.includes('get x-req-added=v1 s=0'), later.join('\n'));
});
