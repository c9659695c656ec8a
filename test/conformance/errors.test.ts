/**
 * Conformance over HTTP: the error statuses of the host functions, from the stream callbacks of
 * real requests: bad enum values → BadArgument (2), out-of-bounds pointers → InvalidMemoryAccess
 * (6), unavailable maps and buffers → Envoy's statuses. A failing host call is a status, never a
 * failure of the request: every request still gets the upstream's 200.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { startConformance, tagged, type RouteSpec } from './harness.js';

const CALLBACKS = ['req_headers', 'req_body', 'resp_headers', 'resp_body'] as const;
const routes: RouteSpec[] = [];
for (const op of ['err_enum', 'err_ptr', 'err_unavail', 'err_enum2', 'err_notfound']) {
  for (const cb of CALLBACKS) routes.push({ prefix: `/${op}/${cb}/`, filters: { e: tagged(`${op}-${cb}`, `${cb} ${op}`) } });
}
// err_ptr2 needs a body buffer present (set_buffer_bytes and get_buffer_status check it first).
for (const [cb, type] of [['req_body', 0], ['resp_body', 1]] as const) {
  routes.push({ prefix: `/err_ptr2/${cb}/`, filters: { e: tagged(`err_ptr2-${cb}`, `${cb} err_ptr2 ${type}`) } });
}

const ready = startConformance([{ name: 'l', filters: [{ name: 'e', script: tagged('default') }], routes }]);
after(async () => (await ready).stop());

/**
 * The lines `op` logged in `cb`, checked to be all the same: a body callback runs once per chunk
 * and once more for the empty end of stream.
 */
async function run(op: string, cb: string): Promise<string[]> {
  const c = await ready;
  const r = await c.send('l', { path: `/${op}/${cb}/`, chunks: ['body'], headers: { 'content-length': '4' } });
  assert.equal(r.status, 200, `${op} in ${cb}: ${r.body}`);
  assert.equal(r.body, 'ok from up');
  const out = c.wasm(`${op}-${cb}`);
  assert.ok(out.length >= 1 && out.every((l) => l === out[0]), out.join('\n'));
  return [out[0]!];
}

for (const cb of CALLBACKS) {
  test(`errors/http: bad enum values return BadArgument (in ${cb})`, async () => {
    // log level 9, map 99, map 8, map -1, buffer 9, buffer 42, continue 7, close 7, metric 5
    assert.deepEqual(await run('err_enum', cb), ['err_enum 2,2,2,2,2,2,2,2,2']);
  });

  test(`errors/http: out-of-bounds pointers return InvalidMemoryAccess (in ${cb})`, async () => {
    // log, get_header_map_value, get_header_map_pairs, get_property, current_time, set_shared_data, get_buffer_bytes
    assert.deepEqual(await run('err_ptr', cb), ['err_ptr 6,6,6,6,6,6,6']);
  });

  test(`errors/http: unavailable maps and buffers answer with Envoy statuses (in ${cb})`, async () => {
    // request trailers get → 2; http_call map pairs → OK+empty; add http_call trailers → 2;
    // http_call body → 1; plugin config outside configure → 1; write VM config → 2; grpc → 12
    assert.deepEqual(await run('err_unavail', cb), ['err_unavail 2,0,2,1,1,2,12']);
  });
}

for (const cb of CALLBACKS) {
  test(`errors/http: bad map types on size, set-pairs, replace, remove and a bad buffer type on set_buffer_bytes are BadArgument (in ${cb})`, async () => {
    assert.deepEqual(await run('err_enum2', cb), ['err_enum2 2,2,2,2,2']);
  });

  test(`errors/http: enqueue/dequeue on an unknown queue and record/get on an unknown metric are NotFound (in ${cb})`, async () => {
    assert.deepEqual(await run('err_notfound', cb), ['err_notfound 1,1,1,1']);
  });
}

for (const cb of ['req_body', 'resp_body']) {
  test(`errors/http: out-of-bounds pointers on the remaining host functions return InvalidMemoryAccess (in ${cb})`, async () => {
    // get_log_level, get_status, set_buffer_bytes, get_buffer_status, get_header_map_size, set_header_map_pairs,
    // add / replace / remove header, send_local_response, http_call, get_shared_data, register / resolve /
    // enqueue / dequeue queue, define_metric, get_metric, set_property — and none of them acted (200 from up)
    assert.deepEqual(await run('err_ptr2', cb), [`err_ptr2 ${Array(19).fill(6).join(',')}`]);
  });
}
