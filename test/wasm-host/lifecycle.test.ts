import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chain, load, RecordingSink, reqHeaders, respHeaders, until } from './harness.js';

const cbs = (lines: string[]) => lines.filter((l) => l.startsWith('cb ')).map((l) => l.split(' ').slice(1, 3).join(' '));

test('lifecycle: root context, then vm_start and configure with the plugin configuration', async () => {
  const { plugin, logs } = await load('configure log size-ok\ntrace', { vm_configuration: 'vmcfg' });
  assert.equal(plugin.info.rootId, '');
  // vm_start ran before trace was parsed; configure sees its own configuration size.
  assert.deepEqual(logs.wasm(), ['cb configure 1 ' + Buffer.byteLength('configure log size-ok\ntrace') + ' 0', 'size-ok']);
});

test('lifecycle: root start-up order is context_create(root, 0), vm_start(root), configure(root)', async () => {
  const { plugin, logs } = await load('configure log configured', { vm_configuration: 'trace' });
  const size = Buffer.byteLength('configure log configured');
  assert.deepEqual(logs.wasm().filter((l) => l.startsWith('cb ')), ['cb create 1 0 0', 'cb vm_start 1 5 0', `cb configure 1 ${size} 0`]);
  plugin.close();
});

test('lifecycle: a stream runs create, headers, body, log, done, delete in Envoy order', async () => {
  const { plugin, logs } = await load('trace');
  const sink = new RecordingSink();
  const s = chain([plugin]).createStream(sink.info, sink, null);
  s.decodeHeaders(reqHeaders(), false);
  s.decodeData(Buffer.from('abc'), true);
  s.encodeHeaders(respHeaders(), false);
  s.encodeData(Buffer.from('x'), true);
  s.complete();
  s.complete(); // idempotent
  assert.deepEqual(cbs(logs.wasm()).slice(1), [
    'create 2', 'req_headers 2', 'req_body 2', 'resp_headers 2', 'resp_body 2', 'log 2', 'done 2', 'delete 2',
  ]);
});

test('lifecycle: stream context ids are unique and the root id is the parent', async () => {
  const { plugin, logs } = await load('trace');
  const c = chain([plugin]);
  for (let i = 0; i < 3; i++) {
    const sink = new RecordingSink();
    const s = c.createStream(sink.info, sink, null);
    s.decodeHeaders(reqHeaders(), true);
    s.complete();
  }
  const creates = logs.wasm().filter((l) => l.startsWith('cb create'));
  assert.deepEqual(creates, ['cb create 2 1 0', 'cb create 3 1 0', 'cb create 4 1 0']);
});

test('lifecycle: no callback reaches a stream after proxy_on_delete', async () => {
  const { plugin, logs } = await load('trace\nreq_headers ret 1');
  const sink = new RecordingSink();
  const s = chain([plugin]).createStream(sink.info, sink, null);
  s.decodeHeaders(reqHeaders(), false);
  s.complete();
  s.decodeData(Buffer.from('late'), true);
  s.encodeHeaders(respHeaders(), true);
  assert.equal(cbs(logs.wasm()).at(-1), 'delete 2');
});

test('lifecycle: header callbacks get the entry count (pseudo-headers included) and end_of_stream', async () => {
  const { plugin, logs } = await load('trace');
  const sink = new RecordingSink();
  const s = chain([plugin]).createStream(sink.info, sink, null);
  s.decodeHeaders(reqHeaders(['x-a', '1']), true);
  assert.ok(logs.wasm().includes('cb req_headers 2 5 1'));
});

test('lifecycle: closing the chain shuts the root down (done, delete)', async () => {
  const { plugin, logs } = await load('trace');
  await chain([plugin]).close();
  assert.deepEqual(cbs(logs.wasm()).slice(-2), ['done 1', 'delete 1']);
});

test('lifecycle: a root whose on_done returns false is deleted only after proxy_done', async () => {
  const { plugin, logs } = await load('trace\ndone ret 0\ntick done\ntick tickset 0\nconfigure tickset 1');
  plugin.close();
  await until(() => logs.wasm().includes('cb delete 1 0 0'));
  const seq = cbs(logs.wasm());
  // done(root) returned false; the tick called proxy_done; on_delete came after.
  assert.ok(logs.wasm().includes('done s=0'), logs.wasm().join('\n'));
  assert.equal(seq.at(-1), 'delete 1');
});
