/**
 * SDK callouts and ABI edges through the real host: gRPC refusal, proxy_get_status in an
 * http_call callback, http_call trailers, header-map size, strict JSON numbers and refused
 * local replies. Module: test/wasm/sdk_callouts.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FilterHarness, type HarnessOptions } from '../../sdk/testing/index.js';

const WASM = 'dist/test/wasm/sdk_callouts.wasm';

async function load(t: { after(fn: () => unknown): void }, opts: HarnessOptions = {}): Promise<FilterHarness> {
  const h = await FilterHarness.load({ file: WASM, rootId: 'sdk-callouts' }, opts);
  t.after(() => h.close());
  return h;
}

const ask = (h: FilterHarness, op: string, arg = '') => h.exchange({ headers: { 'x-op': op, 'x-arg': arg } });

test('sdk: grpcCall and grpcStream on Sluice return token 0 with Unimplemented, and the VM keeps running', async (t) => {
  const h = await load(t);
  const r = await ask(h, 'grpc');
  // call token, call result, stream token, stream result, send, close, cancel: 12 = Unimplemented.
  assert.equal(r.text, '0,12,0,12,12,12,12');
  assert.equal(h.vmFailure(), undefined);
  assert.ok(h.messages('warn').some((m) => /grpc callout to grpc-cluster refused with status 12/.test(m)));
  assert.equal((await ask(h, 'grpc')).status, 200);
});

test('sdk: getStatus inside an answered http_call callback is Ok, and the answer carries its trailers', async (t) => {
  const h = await load(t, { onHttpCall: () => ({ status: 200, headers: { 'x-a': '1' }, body: 'b', trailers: { 'X-T': 'v' } }) });
  const r = await ask(h, 'status');
  const [code, message, headerCount, trailer] = r.text.split('|');
  assert.equal(code, '0');
  assert.equal(message, 'ok');
  assert.ok(Number(headerCount) > 0);
  assert.equal(trailer, 'x-t=v');
});

test('sdk: getStatus inside a failed http_call callback is BrokenConnection', async (t) => {
  const h = await load(t);
  const pending = ask(h, 'status');
  const [call] = await h.waitForHttpCalls(1);
  call!.fail();
  assert.equal((await pending).text, '11|reset|0|-');
});

test('sdk: HeaderMap.size gives the byte size of an available map and -1 for an unavailable one', async (t) => {
  const h = await load(t);
  const r = await h.exchange({ headers: { 'x-op': 'size' } });
  const expected = [':method', 'GET', ':path', '/', ':authority', 'example.com', ':scheme', 'http', 'x-op', 'size']
    .reduce((n, s) => n + Buffer.byteLength(s), 0);
  assert.equal(r.text, `${expected},-1`);
});

test('sdk: the JSON reader accepts the RFC 8259 number grammar', async (t) => {
  const h = await load(t);
  for (const n of ['0', '-0', '7', '-12', '1.5', '-0.25', '3e2', '-3E-2', '1e+2', '10.01e10']) {
    assert.equal((await ask(h, 'json', `[${n}]`)).text, `[${n}]`, n);
  }
});

test('sdk: the JSON reader refuses numbers outside the RFC 8259 grammar', async (t) => {
  const h = await load(t);
  for (const n of ['1.2.3', '01', '-01', '1.', '.5', '+1', '1e', '1e+', '-', '--1', '0x10', '1.5e3.2', 'NaN', '-Infinity', '1-2']) {
    assert.equal((await ask(h, 'json', `[${n}]`)).text, 'invalid', n);
    assert.equal((await ask(h, 'json', n)).text, 'invalid', n);
  }
});

test('sdk: a local reply the host refuses is logged at error with its status, not thrown', async (t) => {
  const h = await load(t);
  const r = await ask(h, 'bad-reply');
  assert.equal(r.text, 'refused 2');
  assert.equal(h.vmFailure(), undefined);
  assert.ok(h.messages('error').some((m) => m.includes('send_local_response(42) refused by the host with status 2')), h.messages('warn').join('\n'));
});
