/**
 * Conformance over HTTP: property encodings and lookups Envoy defines (ABI reference §5.3):
 * known attributes win over set_property values; timestamps and durations are int64 ns; maps
 * are serialized pairs; request/response total_size include the header bytes; response.grpc_status
 * comes from the grpc-status trailer (or header); connection.termination_details is empty.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { startConformance, tagged, type RouteSpec } from './harness.js';

const SCRIPTS: Record<string, string[]> = {
  shadow: ['req_headers setprop request.path shadowed', 'req_headers prop request.path', 'req_headers setprop custom.key mine',
    'req_headers prop custom.key'],
  time: ['req_headers propint request.time', 'log propint request.duration'],
  map: ['req_headers propmap request.headers'],
  sizes: ['log propint request.size', 'log propint request.headers_bytes', 'log propint request.total_size',
    'log propint response.size', 'log propint response.headers_bytes', 'log propint response.total_size'],
  grpc: ['log propint response.grpc_status'],
  conn: ['req_headers prop connection.termination_details'],
};
const routes: RouteSpec[] = Object.entries(SCRIPTS).map(([k, lines]) => ({ prefix: `/${k}/`, filters: { p: tagged(k, ...lines) } }));

const ready = startConformance([{ name: 'l', filters: [{ name: 'p', script: tagged('default') }], routes }]);
after(async () => (await ready).stop());

/** The integer a `propint <path>` line logged. */
function intOf(lines: string[], path: string): bigint {
  const l = lines.find((x) => x.startsWith(`prop ${path}=`));
  assert.ok(l?.endsWith(' s=0'), `${path}: ${lines.join('\n')}`);
  return BigInt(l!.slice(`prop ${path}=`.length, -' s=0'.length));
}

test('properties/http: a built-in path wins over a value set with set_property; other paths read back', async () => {
  const c = await ready;
  await c.send('l', { path: '/shadow/x' });
  assert.deepEqual(c.wasm('shadow'), ['setprop s=0', 'prop request.path=/shadow/x s=0', 'setprop s=0', 'prop custom.key=mine s=0']);
});

test('properties/http: request.time is a timestamp and request.duration a duration, both int64 ns', async () => {
  const c = await ready;
  const before = BigInt(Date.now() - 1) * 1_000_000n;
  await c.send('l', { path: '/time/' });
  const after = BigInt(Date.now() + 1) * 1_000_000n;
  const out = c.wasm('time');
  const t = intOf(out, 'request.time');
  assert.ok(t >= before && t <= after, `${t} not within [${before}, ${after}]`);
  const d = intOf(out, 'request.duration');
  assert.ok(d >= 0n && d <= after - before, String(d));
});

test('properties/http: request.headers is a map (pairs), repeated headers comma-joined', async () => {
  const c = await ready;
  await c.send('l', { path: '/map/', headers: { 'x-m': ['1', '2'] } });
  const [line] = c.wasm('map');
  assert.match(line!, /^propmap request\.headers=:method=GET,:path=\/map\/,:authority=127\.0\.0\.1:\d+,.*x-m=1,2.* s=0$/);
});

test('properties/http: total_size is body plus header bytes, for request and response', async () => {
  const c = await ready;
  const r = await c.send('l', { path: '/sizes/', chunks: ['abcd'], headers: { 'content-length': '4' } });
  assert.equal(r.status, 200);
  const out = c.wasm('sizes');
  assert.equal(intOf(out, 'request.size'), 4n);
  assert.equal(intOf(out, 'request.total_size'), 4n + intOf(out, 'request.headers_bytes'));
  assert.equal(intOf(out, 'response.size'), BigInt('ok from up'.length));
  assert.equal(intOf(out, 'response.total_size'), intOf(out, 'response.size') + intOf(out, 'response.headers_bytes'));
});

test('properties/http: response.grpc_status comes from the grpc-status trailer; absent for a non-gRPC response', async () => {
  const c = await ready;
  await c.send('l', { path: '/grpc/', headers: { 'x-up-trailer': 'grpc-status=7', 'x-up-chunks': 'a', te: 'trailers' } });
  await c.send('l', { path: '/grpc/' });
  assert.deepEqual(c.wasm('grpc'), ['prop response.grpc_status=7 s=0', 'prop response.grpc_status= s=1']);
});

test('properties/http: connection.termination_details is empty while the connection lives', async () => {
  const c = await ready;
  await c.send('l', { path: '/conn/' });
  assert.deepEqual(c.wasm('conn'), ['prop connection.termination_details= s=0']);
});
