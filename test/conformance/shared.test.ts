/**
 * Conformance over HTTP: the host functions that outlive a request. Shared data with
 * compare-and-swap (within a VM, across VMs of one vm_id, across listeners), shared queues
 * (proxy_on_queue_ready on the registrant's root, also when another request enqueues), tick
 * timers, and custom metrics as exported on the admin /stats/prometheus.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { sleep, startConformance, tagged, until, type RouteSpec } from './harness.js';

const F: Record<string, string[]> = {
  cas: ['req_headers sget k', 'req_headers sset k v1', 'req_headers sget k', 'req_headers scas k v2', 'req_headers sget k',
    'req_headers sstale k v3', 'req_headers sget k'],
  writer: ['req_headers sset cross from-writer'],
  reader: ['req_headers sget cross'],
  queue: ['configure qreg q-own', 'req_headers qenq - q-own item-1', 'queue log woke'],
  registrant: ['configure qreg q-cross', 'queue log woke-by-other'],
  enqueuer: ['req_headers qenq - q-cross from-other-request'],
  noqueue: ['req_headers qenq - nosuch x'],
  casnew: ['req_headers sset fresh-key v1 77', 'req_headers sget fresh-key', 'req_headers sset fresh-key v2 77', 'req_headers sget fresh-key'],
  tick: ['trace', 'configure tickset 5', 'tick log tick', 'tick tickset 0'],
  metrics: ['configure mdef 0 hits', 'configure mdef 1 level', 'configure mdef 2 sizes',
    'req_headers minc hits 2', 'req_headers minc hits -1', 'req_headers mget hits', 'req_headers mrec level 7',
    'req_headers minc level -2', 'req_headers mget level', 'req_headers mrec sizes 5', 'req_headers mget sizes',
    'req_headers minc unknown 1', 'req_headers mdef 9 bad'],
};
const routes: RouteSpec[] = Object.entries(F).map(([k, lines]) => ({ prefix: `/${k}/`, filters: { s: tagged(k, ...lines) } }));

const ready = startConformance([
  { name: 'l', filters: [{ name: 's', script: tagged('default') }], routes },
  { name: 'vm', filters: [
    { name: 'a', script: tagged('a', 'configure sset shared-key from-a'), wasm: { vm_id: 'common' } },
    { name: 'b', script: tagged('b', 'req_headers sget shared-key'), wasm: { vm_id: 'common' } },
  ] },
  { name: 'other', filters: [{ name: 'o', script: tagged('o', 'req_headers sget shared-key'), wasm: { vm_id: 'common' } }] },
  { name: 'novm', filters: [
    { name: 'w', script: tagged('w', 'req_headers sset default-ns from-w', 'req_headers prop plugin_vm_id') },
    { name: 'r', script: tagged('r', 'req_headers sget default-ns') },
    { name: 'x', script: tagged('x', 'req_headers sget default-ns'), wasm: { vm_id: 'elsewhere' } },
  ] },
]);
after(async () => (await ready).stop());

test('shared/http: shared data with compare-and-swap', async () => {
  const c = await ready;
  assert.equal((await c.send('l', { path: '/cas/' })).status, 200);
  assert.deepEqual(c.wasm('cas'), ['sget  s=1', 'sset s=0', 'sget v1 s=0', 'scas s=0', 'sget v2 s=0', 'sstale s=8', 'sget v2 s=0']);
});

test('shared/http: data one request set is read by a later request on another VM of the same vm_id', async () => {
  const c = await ready;
  await c.send('l', { path: '/writer/' });
  await c.send('l', { path: '/reader/' });
  assert.deepEqual(c.wasm('reader'), ['sget from-writer s=0']);
});

test('shared/http: compare-and-swap on a missing key inserts it (proxy-wasm-cpp-host); on the entry it is checked', async () => {
  const c = await ready;
  assert.equal((await c.send('l', { path: '/casnew/' })).status, 200);
  assert.deepEqual(c.wasm('casnew'), ['sset s=0', 'sget v1 s=0', 'sset s=8', 'sget v1 s=0']);
});

test('shared/http: without vm_id, filters share the empty vm_id (Envoy default) and plugin_vm_id is ""', async () => {
  const c = await ready;
  assert.equal((await c.send('novm', { path: '/' })).status, 200);
  assert.deepEqual(c.wasm('w'), ['sset s=0', 'prop plugin_vm_id= s=0']);
  assert.deepEqual(c.wasm('r'), ['sget from-w s=0']);
  assert.deepEqual(c.wasm('x'), ['sget  s=1']); // another vm_id: another namespace
});

test('shared/http: filters with the same vm_id share data', async () => {
  const c = await ready;
  await c.send('vm', { path: '/' });
  assert.deepEqual(c.wasm('b'), ['sget from-a s=0']);
});

test('shared/http: filters with the same vm_id on different listeners share data (ABI §3.6: process-global per vm_id)', async () => {
  const c = await ready;
  await c.send('vm', { path: '/' }); // filter a set it at configure
  await c.send('other', { path: '/' });
  assert.deepEqual(c.wasm('o'), ['sget from-a s=0']);
});

test('shared/http: an enqueue wakes the registrant with proxy_on_queue_ready', async () => {
  const c = await ready;
  await c.send('l', { path: '/queue/' });
  await until(() => c.wasm('queue').includes('woke'), 'queue ready');
  const out = c.wasm('queue');
  assert.match(out[0]!, /^qreg [1-9]\d* s=0$/);
  assert.deepEqual(out.slice(1), ['qenq s=0', 'dequeue item-1 s=0', 'dequeue-again s=7', 'woke']);
});

test('shared/http: one request enqueues, another VM (the registrant) is woken', async () => {
  const c = await ready;
  await c.send('l', { path: '/registrant/' }); // registers q-cross at configure
  await c.send('l', { path: '/enqueuer/' });
  await until(() => c.wasm('registrant').includes('woke-by-other'), 'queue ready on the registrant');
  assert.deepEqual(c.wasm('enqueuer'), ['qenq s=0']);
  assert.deepEqual(c.wasm('registrant').slice(1), ['dequeue from-other-request s=0', 'dequeue-again s=7', 'woke-by-other']);
});

test('shared/http: resolving an unknown queue is NotFound', async () => {
  const c = await ready;
  await c.send('l', { path: '/noqueue/' });
  assert.deepEqual(c.wasm('noqueue'), ['qenq s=1']);
});

test('shared/http: a tick timer fires on the root context until disabled', async () => {
  const c = await ready;
  await c.send('l', { path: '/tick/' });
  await until(() => c.wasm('tick').includes('tick'), 'first tick');
  await sleep(40); // a period of 5 ms: more ticks would have come by now
  assert.equal(c.wasm('tick').filter((l) => l === 'tick').length, 1);
  assert.ok(c.wasm('tick').includes('cb tick 1 0 0'));
});

test('shared/http: custom metrics are defined, updated and exported on /stats/prometheus', async () => {
  const c = await ready;
  await c.send('l', { path: '/metrics/' });
  assert.deepEqual(c.wasm('metrics'), ['mdef s=0', 'mdef s=0', 'mdef s=0', 'minc s=0', 'minc s=2', 'mget 2 s=0', 'mrec s=0',
    'minc s=0', 'mget 5 s=0', 'mrec s=0', 'mget 5 s=2' /* histogram: BadArgument, out untouched */, 'minc s=1', 'mdef s=2']);
  const stats = await c.stats();
  assert.match(stats, /^wasmcustom_s_hits 2$/m);
  assert.match(stats, /^wasmcustom_s_level 5$/m);
  assert.match(stats, /^wasmcustom_s_sizes_count 1$/m);
  assert.match(stats, /^wasmcustom_s_sizes_sum 5$/m);
});
