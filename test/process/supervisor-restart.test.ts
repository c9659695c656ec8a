/**
 * The supervisor replaces a worker that dies, and one whose event loop is stuck (it stops
 * answering heartbeats), and service continues on the same listener.
 */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { get, startSupervised, twoWorkerConfig, type Supervised, type WorkerInfo } from './supervised.js';
import { okUpstream } from './upstream.js';

/** Waits until slot `id` runs a process other than `oldPid` and it is serving. */
function replaced(sup: Supervised, admin: number, id: number, oldPid: number, timeoutMs = 20_000): Promise<WorkerInfo> {
  return sup.waitFor(async () => {
    const w = (await sup.workers(admin)).find((x) => x.worker === id);
    return w && w.pid !== null && w.pid !== oldPid && w.state === 'ready' ? w : undefined;
  }, timeoutMs);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('a killed worker is restarted and service continues', { timeout: 60_000 }, async (t) => {
  const sup = await startSupervised(t, twoWorkerConfig(await okUpstream(t)));
  const ports = await sup.ready();
  const [w1] = await sup.workers(ports.admin);
  process.kill(w1!.pid!, 'SIGKILL');

  const now = await replaced(sup, ports.admin, 1, w1!.pid!);
  assert.equal(now.restarts, 1);
  assert.match(now.last_exit?.reason ?? '', /SIGKILL/);
  for (let i = 0; i < 6; i++) assert.equal((await get(ports.listener, `/after-restart-${i}`)).status, 200);
  const workers = await sup.workers(ports.admin);
  assert.ok((workers[0]!.summary?.downstream_requests ?? 0) > 0, 'the new worker 1 takes connections');
});

test('a worker whose event loop is blocked is killed and replaced', { timeout: 60_000 }, async (t) => {
  const sup = await startSupervised(t, twoWorkerConfig(await okUpstream(t)), { SLUICE_TEST_HOOKS: '1' });
  const ports = await sup.ready();
  const w2 = (await sup.workers(ports.admin))[1]!;
  // Test hook (host/process/test-hooks.ts): SIGUSR2 spins the worker's event loop forever.
  process.kill(w2.pid!, 'SIGUSR2');
  // While it is stuck the gateway is not ready (the stuck worker cannot say it is).
  await sup.waitFor(async () => ((await get(ports.admin, '/ready')).status === 503 ? true : undefined));

  const now = await replaced(sup, ports.admin, 2, w2.pid!);
  assert.equal(now.restarts, 1);
  assert.match(now.last_exit?.reason ?? '', /missed 5 heartbeats/);
  assert.equal(alive(w2.pid!), false);
  for (let i = 0; i < 4; i++) assert.equal((await get(ports.listener, `/after-stuck-${i}`)).status, 200);
});
