import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import type { ToWorker } from '../../host/process/messages.js';
import { WorkerRpc } from '../../host/process/worker-rpc.js';

test('an answer resolves the query with the same id', async () => {
  const sent: ToWorker[] = [];
  const rpc = new WorkerRpc((m) => sent.push(m) > 0, 10_000);
  const p = rpc.query('ready');
  const q = sent[0] as Extract<ToWorker, { sluice: 'query' }>;
  assert.equal(q.query, 'ready');
  rpc.onAnswer({ sluice: 'answer', id: q.id, ok: true, value: true });
  assert.equal(await p, true);
});

test('an error answer rejects with the worker\'s message', async () => {
  const sent: ToWorker[] = [];
  const rpc = new WorkerRpc((m) => sent.push(m) > 0, 10_000);
  const p = rpc.query('filters');
  rpc.onAnswer({ sluice: 'answer', id: (sent[0] as { id: number }).id, ok: false, error: 'no view' });
  await assert.rejects(p, /no view/);
});

test('an unanswered query rejects after the timeout; a late answer is dropped', async () => {
  const sent: ToWorker[] = [];
  const rpc = new WorkerRpc((m) => sent.push(m) > 0, 20);
  await assert.rejects(rpc.query('metrics'), /did not answer "metrics"/);
  rpc.onAnswer({ sluice: 'answer', id: (sent[0] as { id: number }).id, ok: true, value: [] });
});

test('a closed channel or an exited worker rejects at once', async () => {
  const closed = new WorkerRpc(() => false, 10_000);
  await assert.rejects(closed.query('summary'), /channel is closed/);
  const rpc = new WorkerRpc(() => true, 10_000);
  const p = rpc.query('summary');
  rpc.failAll('worker exited');
  await assert.rejects(p, /worker exited/);
});
