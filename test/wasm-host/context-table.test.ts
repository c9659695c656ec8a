/**
 * The VM's context table (host/wasm/context-table.ts): lookups by id, freed slots, growth, and
 * the ids the VM hands out with it. It replaced a Map whose churn made V8 scavenges keep
 * recent requests alive (see the file comment there).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RootContext } from '../../host/wasm/context.js';
import { ContextTable } from '../../host/wasm/context-table.js';
import { chain, load, RecordingSink, reqHeaders } from './harness.js';

function ctx(id: number): RootContext {
  return { kind: 'root', id, rootId: '', tick: undefined, calls: new Map(), pendingDone: false, deleted: false };
}

test('context table: delete empties the slot, so the table no longer reaches the context', () => {
  const t = new ContextTable();
  const a = ctx(5);
  t.set(a.id, a);
  assert.equal(t.get(5), a);
  assert.equal(t.delete(5), true);
  assert.equal(t.get(5), undefined);
  assert.equal(t.size, 0);
  assert.deepEqual([...t.values()], []);
  assert.equal(t.isFree(5), true);
  assert.equal(t.delete(5), false);
});

test('context table: an id sharing a slot with a live context is not found and not free', () => {
  const t = new ContextTable();
  t.set(1, ctx(1));
  assert.equal(t.get(65), undefined); // same slot as 1 while the table has 64 slots
  assert.equal(t.has(65), false);
  assert.equal(t.isFree(65), false);
});

test('context table: growing keeps every live context reachable by its id', () => {
  const t = new ContextTable();
  const ids: number[] = [];
  let next = 1;
  for (let i = 0; i < 1000; i++) {
    while (!t.isFree(next)) next++;
    t.set(next, ctx(next));
    ids.push(next++);
  }
  assert.equal(t.size, 1000);
  for (const id of ids) assert.equal(t.get(id)?.id, id);
  assert.equal([...t.values()].length, 1000);
});

test('context table: set() with a colliding id widens the table instead of overwriting', () => {
  const t = new ContextTable();
  t.set(1, ctx(1));
  t.set(65, ctx(65));
  assert.equal(t.get(1)?.id, 1);
  assert.equal(t.get(65)?.id, 65);
  assert.equal(t.size, 2);
});

test('context table: stream ids stay unique and increasing with hundreds of streams in flight', async () => {
  const { plugin, logs } = await load('trace');
  const c = chain([plugin]);
  const streams = [];
  for (let i = 0; i < 300; i++) {
    const sink = new RecordingSink();
    const s = c.createStream(sink.info, sink, null);
    s.decodeHeaders(reqHeaders(), true);
    streams.push(s);
  }
  const ids = logs.wasm().filter((l) => l.startsWith('cb create')).map((l) => Number(l.split(' ')[2]));
  const streamIds = ids.filter((id) => id !== 1);
  assert.equal(streamIds.length, 300);
  for (let i = 1; i < streamIds.length; i++) assert.ok(streamIds[i]! > streamIds[i - 1]!);
  assert.equal(plugin.vm().env.contexts.size, 301);
  for (const s of streams) s.complete();
  assert.equal(plugin.vm().env.contexts.size, 1); // the root
});
