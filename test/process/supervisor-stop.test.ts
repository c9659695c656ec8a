/**
 * Stopping a supervised sluice: SIGTERM drains every worker and exits 0; a start failure in the
 * workers stops everything and exits with the CLI's code for a bad config.
 */
import { strict as assert } from 'node:assert';
import { once } from 'node:events';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { get, startSupervised, twoWorkerConfig } from './supervised.js';
import { heldUpstream } from './upstream.js';

test('SIGTERM lets in-flight requests finish, then exits 0', { timeout: 60_000 }, async (t) => {
  const upstream = await heldUpstream(t);
  const sup = await startSupervised(t, twoWorkerConfig(upstream.port));
  const ports = await sup.ready();
  const inFlight = get(ports.listener, '/slow', 30_000);
  await upstream.arrived;

  sup.child.kill('SIGTERM');
  // Both workers have been told to drain before the upstream answers.
  await sup.waitFor(() => (sup.logLines().filter((l) => l.msg === 'worker stopping: draining in-flight requests').length === 2 ? true : undefined));
  upstream.release();

  const reply = await inFlight;
  assert.equal(reply.status, 200);
  assert.equal(reply.body, 'held');
  const exit = await sup.exited;
  assert.equal(exit.code, 0, exit.stderr);
  assert.equal(sup.logLines().filter((l) => l.msg === 'worker stopped' && l.code === 0).length, 2);
});

test('SIGTERM while the workers are still starting exits 0', { timeout: 60_000 }, async (t) => {
  const sup = await startSupervised(t, twoWorkerConfig(1));
  await sup.waitFor(() => (sup.logLines().filter((l) => l.msg === 'worker forked').length === 2 ? true : undefined));
  sup.child.kill('SIGTERM');
  const exit = await sup.exited;
  assert.equal(exit.code, 0, exit.stderr);
});

test('a second SIGTERM exits at once with 143, without waiting for in-flight requests', { timeout: 60_000 }, async (t) => {
  const upstream = await heldUpstream(t);
  const sup = await startSupervised(t, twoWorkerConfig(upstream.port));
  const ports = await sup.ready();
  const inFlight = get(ports.listener, '/slow', 30_000).catch((err: Error) => err);
  await upstream.arrived;

  sup.child.kill('SIGTERM');
  await sup.waitFor(() => (sup.logLines().some((l) => String(l.msg).startsWith('shutting down')) ? true : undefined));
  sup.child.kill('SIGTERM');
  const exit = await sup.exited;
  assert.equal(exit.code, 143, exit.stderr);
  assert.ok((await inFlight) instanceof Error, 'the held request was cut off');
});

test('a listener address in use fails the start before any fork: exit 2, the error named', { timeout: 60_000 }, async (t) => {
  const holder = createServer();
  holder.listen(0, '127.0.0.1');
  await once(holder, 'listening');
  t.after(() => holder.close());
  const port = (holder.address() as AddressInfo).port;

  const sup = await startSupervised(t, twoWorkerConfig(1, `127.0.0.1:${port}`));
  const exit = await sup.exited;
  assert.equal(exit.code, 2, exit.stderr);
  assert.match(exit.stderr, new RegExp(`listeners\\[0\\]\\.address: address 127\\.0\\.0\\.1:${port} already in use`));
  // The primary probes listener addresses first: nothing is forked only to be killed.
  assert.equal(sup.logLines().filter((l) => l.msg === 'worker forked').length, 0);
});
