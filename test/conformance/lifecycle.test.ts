/**
 * Conformance over HTTP: the order of the callbacks a real request drives (root: vm_start,
 * configure; stream: create, headers, body, log, done, delete in Envoy's order), context ids,
 * and the root shutdown when the gateway stops (including a deferred proxy_done).
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { sleep, startConformance, tagged, until, type RouteSpec } from './harness.js';

const F: Record<string, string[]> = {
  configure: ['configure log size-ok', 'trace'],
  order: ['trace'],
  ids: ['trace'],
  held: ['trace', 'req_headers ret 1'],
  count: ['trace', 'req_headers pairs 0'],
};
const routes: RouteSpec[] = Object.entries(F).map(([k, lines]) => ({ prefix: `/${k}/`, filters: { lc: tagged(k, ...lines) } }));

const ready = startConformance([
  { name: 'l', filters: [{ name: 'lc', script: tagged('default'), wasm: { vm_configuration: 'vmcfg' } }], routes },
  { name: 'early', filters: [
    { name: 'first', script: tagged('first', 'req_headers reply 403 denied') },
    { name: 'second', script: tagged('second', 'trace') },
  ] },
]);
after(async () => (await ready).stop());

/** "cb <name> <ctx> …" lines as "<name> <ctx>", consecutive repeats (body chunks) collapsed. */
function callbacks(lines: string[]): string[] {
  const out: string[] = [];
  for (const l of lines) {
    if (!l.startsWith('cb ')) continue;
    const s = l.split(' ').slice(1, 3).join(' ');
    if (out.at(-1) !== s) out.push(s);
  }
  return out;
}

test('lifecycle/http: the root context gets configure with the size of its plugin configuration', async () => {
  const c = await ready;
  assert.equal((await c.send('l', { path: '/configure/' })).status, 200);
  const size = Buffer.byteLength(tagged('configure', ...F.configure!).join('\n'));
  assert.deepEqual(c.wasm('configure').slice(0, 2), [`cb configure 1 ${size} 0`, 'size-ok']);
});

test('lifecycle/http: a request runs create, headers, body, response, then log, done, delete (Envoy order)', async () => {
  const c = await ready;
  const r = await c.send('l', { path: '/order/', chunks: ['abc'] });
  assert.equal(r.status, 200);
  await until(() => c.wasm('order').includes('cb delete 2 0 0'), 'proxy_on_delete');
  assert.deepEqual(callbacks(c.wasm('order')).slice(1), [ // after 'configure 1'
    'create 2', 'req_headers 2', 'req_body 2', 'resp_headers 2', 'resp_body 2', 'log 2', 'done 2', 'delete 2',
  ]);
});

test('lifecycle/http: a filter an earlier filter answered before it saw the request still gets create, log, done, delete', async () => {
  const c = await ready;
  const r = await c.send('early', { path: '/early-reply' });
  assert.equal(r.status, 403);
  await until(() => c.wasm('second').includes('cb delete 2 0 0'), 'proxy_on_delete of the later filter');
  // Envoy creates the context from log(); no header callbacks (encoder callbacks need a context).
  assert.deepEqual(callbacks(c.wasm('second')).slice(1), ['create 2', 'log 2', 'done 2', 'delete 2']);
  assert.equal(c.upstream.seenAt('/early-reply').length, 0);
});

test('lifecycle/http: each request gets a new context id whose parent is the root', async () => {
  const c = await ready;
  for (let i = 0; i < 3; i++) assert.equal((await c.send('l', { path: '/ids/' })).status, 200);
  assert.deepEqual(c.wasm('ids').filter((l) => l.startsWith('cb create')), ['cb create 2 1 0', 'cb create 3 1 0', 'cb create 4 1 0']);
});

test('lifecycle/http: a client that goes away ends the stream; no callback reaches it after proxy_on_delete', async () => {
  const c = await ready;
  const r = await c.send('l', { path: '/held/', chunks: ['late'], timeoutMs: 200 }); // held by the filter: the client gives up
  assert.equal(r.error, 'timeout');
  await until(() => c.wasm('held').includes('cb delete 2 0 0'), 'proxy_on_delete');
  await sleep(50);
  assert.deepEqual(callbacks(c.wasm('held')).slice(-4), ['req_headers 2', 'log 2', 'done 2', 'delete 2']);
});

test('lifecycle/http: header callbacks get the entry count (pseudo-headers included) and end_of_stream', async () => {
  const c = await ready;
  await c.send('l', { path: '/count/', headers: { 'x-a': '1' } });
  await c.send('l', { path: '/count/', chunks: ['b'] });
  const out = c.wasm('count');
  const pairs = out.filter((l) => l.startsWith('pairs ')).map((l) => l.slice(6, -4).split(',').length);
  const heads = out.filter((l) => l.startsWith('cb req_headers'));
  assert.deepEqual(heads, [`cb req_headers 2 ${pairs[0]} 1`, `cb req_headers 3 ${pairs[1]} 0`]);
});

test('lifecycle/http: stopping the gateway shuts each root down; a root whose on_done is false waits for proxy_done', async (t) => {
  const g = await startConformance([
    { name: 'a', filters: [{ name: 'plain', script: tagged('plain', 'trace') }] },
    { name: 'b', filters: [{ name: 'deferred', script: tagged('deferred', 'trace', 'done ret 0', 'configure tickset 5', 'tick done') }] },
  ]);
  t.after(() => g.stop());
  assert.equal((await g.send('a', { path: '/' })).status, 200);
  await g.stop();
  await until(() => g.wasm('deferred').includes('cb delete 1 0 0'), 'deferred proxy_on_delete');
  assert.deepEqual(callbacks(g.wasm('plain')).slice(-2), ['done 1', 'delete 1']);
  const d = g.wasm('deferred');
  // on_done(root) returned false; a later tick's proxy_done succeeded; on_delete came after it.
  const doneOk = d.indexOf('done s=0');
  assert.ok(doneOk > d.indexOf('cb done 1 0 0') && doneOk < d.indexOf('cb delete 1 0 0'), d.join('\n'));
  assert.equal(callbacks(d).at(-1), 'delete 1');
});
