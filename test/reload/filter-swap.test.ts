import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import {
  filterConfig, get, Mode, moduleVersion, moduleWithoutAbi, startEchoUpstream, startReloadGateway, until, versionText,
} from './helpers.js';

/** A private copy of version 1 of the test module (a test may rewrite it). */
function moduleFile(t: TestContext, v = 1): string {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-reload-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'ver.wasm');
  writeFileSync(file, moduleVersion(v));
  return file;
}

async function put(admin: string, name: string, body: Buffer, query = ''): Promise<{ status: number; json: Record<string, unknown> }> {
  const r = await get(`${admin}/filters/${name}${query}`, { method: 'PUT', body });
  return { status: r.status, json: JSON.parse(r.body) as Record<string, unknown> };
}

test('PUT /filters/{name}: new streams run the new version; an in-flight stream finishes on the old VM, which is then shut down', async (t) => {
  const up = await startEchoUpstream(t);
  const g = await startReloadGateway(t, filterConfig(moduleFile(t), up.address));
  const before = await get(`${g.base}/`);
  assert.equal(before.headers['x-version-resp'], versionText(1));

  // Starts on version 1 and outlasts the swap: compiling the new version starts a fuel child process.
  const slow = get(`${g.base}/?slow=2500`);
  await until(() => g.gw.liveVms() === 1 && (g.gw.filters() as { active_contexts: number }[])[0]!.active_contexts === 1);
  const r = await put(g.admin, 'ver', moduleVersion(2));
  assert.equal(r.status, 200, JSON.stringify(r.json));
  const fresh = await get(`${g.base}/`);
  assert.equal(fresh.headers['x-version-resp'], versionText(2));
  assert.equal(fresh.headers['x-echo-version'], versionText(2));
  assert.equal(g.gw.liveVms(), 2, 'the old VM lives while its stream is in flight');

  const old = await slow;
  assert.equal(old.status, 200);
  assert.equal(old.headers['x-echo-version'], versionText(1));
  assert.equal(old.headers['x-version-resp'], versionText(1));
  await until(() => g.gw.liveVms() === 1);
  assert.ok(g.logs.some((l) => l.includes(`root done ${versionText(1)}`)));
  assert.ok(g.logs.some((l) => l.includes(`root deleted ${versionText(1)}`)));
});

test('shared data under the same vm_id survives a module swap', async (t) => {
  const up = await startEchoUpstream(t);
  const g = await startReloadGateway(t, filterConfig(moduleFile(t), up.address));
  await get(`${g.base}/`);
  const second = await get(`${g.base}/`);
  assert.equal(second.headers['x-shared-count'], '2');
  assert.equal((await put(g.admin, 'ver', moduleVersion(2))).status, 200);
  const after = await get(`${g.base}/`);
  assert.equal(after.headers['x-version-resp'], versionText(2));
  assert.equal(after.headers['x-shared-count'], '3');
});

test('GET /filters describes each filter: sha256, ABI version, loaded_at, VMs, contexts, traps, failure policy, previous', async (t) => {
  const up = await startEchoUpstream(t);
  const g = await startReloadGateway(t, filterConfig(moduleFile(t), up.address));
  await put(g.admin, 'ver', moduleVersion(2));
  const list = JSON.parse((await get(`${g.admin}/filters`)).body) as Record<string, unknown>[];
  assert.equal(list.length, 1);
  const f = list[0]!;
  assert.equal(f.name, 'ver');
  assert.match(String(f.sha256), /^[0-9a-f]{64}$/);
  assert.equal(f.abi_version, '0.2.1');
  assert.ok(!Number.isNaN(Date.parse(String(f.loaded_at))));
  assert.equal(typeof f.vms, 'number');
  assert.equal(f.active_contexts, 0);
  assert.equal(f.traps, 0);
  assert.equal(f.failure_policy, 'fail_closed');
  assert.notEqual((f.previous as { sha256: string }).sha256, f.sha256);
  assert.equal(f.canary, null);
});

test('a module that fails to compile, lacks an ABI marker, traps in vm_start or fails configure is refused; the old version keeps serving', async (t) => {
  const up = await startEchoUpstream(t);
  const g = await startReloadGateway(t, filterConfig(moduleFile(t), up.address));
  const bad: [string, Buffer, RegExp][] = [
    ['garbage', Buffer.from('not wasm at all'), /compile failed: not a valid WebAssembly module/],
    ['no ABI marker', moduleWithoutAbi(), /compile failed: .*ABI/i],
    ['trap in vm_start', moduleVersion(5, Mode.TrapInStart), /proxy_on_vm_start failed/],
    ['configure false', moduleVersion(6, Mode.ConfigureFalse), /proxy_on_configure returned false/],
  ];
  for (const [what, bytes, reason] of bad) {
    const r = await put(g.admin, 'ver', bytes);
    assert.ok(r.status >= 400 && r.status < 500, `${what}: ${r.status}`);
    assert.match(String(r.json.error), reason, what);
    const still = await get(`${g.base}/`);
    assert.equal(still.headers['x-version-resp'], versionText(1), what);
  }
  const metrics = (await get(`${g.admin}/stats/prometheus`)).body;
  assert.match(metrics, /sluice_filter_module_changes_total\{filter="ver",result="refused"\} 4/);
  assert.equal(g.logs.filter((l) => l.includes('filter ver: new module refused')).length, 4);
  await until(() => g.gw.liveVms() === 1);
});

test('POST /filters/{name}/rollback goes back to the previous version', async (t) => {
  const up = await startEchoUpstream(t);
  const g = await startReloadGateway(t, filterConfig(moduleFile(t), up.address));
  assert.equal((await put(g.admin, 'ver', moduleVersion(2))).status, 200);
  const rb = await get(`${g.admin}/filters/ver/rollback`, { method: 'POST' });
  assert.equal(rb.status, 200, rb.body);
  assert.equal((await get(`${g.base}/`)).headers['x-version-resp'], versionText(1));
  const none = await get(`${g.admin}/filters/nope/rollback`, { method: 'POST' });
  assert.equal(none.status, 404);
});

test('canary: ?canary=50 splits new streams between versions, each response wholly one; promote makes it whole', async (t) => {
  const up = await startEchoUpstream(t);
  let flip = 0;
  const g = await startReloadGateway(t, filterConfig(moduleFile(t), up.address), { random: () => (flip++ % 2 === 0 ? 0.1 : 0.9) });
  const r = await put(g.admin, 'ver', moduleVersion(2), '?canary=50');
  assert.equal(r.status, 200, JSON.stringify(r.json));
  const seen = new Set<string>();
  for (let i = 0; i < 6; i++) {
    const res = await get(`${g.base}/`);
    assert.equal(res.headers['x-echo-version'], res.headers['x-version-resp']);
    seen.add(String(res.headers['x-version-resp']));
  }
  assert.deepEqual([...seen].sort(), [versionText(1), versionText(2)]);
  const desc = (g.gw.filters() as { canary: { percent: number } | null }[])[0]!;
  assert.equal(desc.canary?.percent, 50);
  const p = await get(`${g.admin}/filters/ver/promote`, { method: 'POST' });
  assert.equal(p.status, 200, p.body);
  for (let i = 0; i < 4; i++) assert.equal((await get(`${g.base}/`)).headers['x-version-resp'], versionText(2));
  await until(() => g.gw.liveVms() === 1);
});

test('canary: a version whose trap rate passes the threshold is rolled back on its own', async (t) => {
  const up = await startEchoUpstream(t);
  let flip = 0;
  const g = await startReloadGateway(t, filterConfig(moduleFile(t), up.address, { filter: { failure_policy: 'fail_reload' } }),
    { random: () => (flip++ % 2 === 0 ? 0.1 : 0.9) });
  assert.equal((await put(g.admin, 'ver', moduleVersion(7, Mode.TrapOnRequest), '?canary=50')).status, 200);
  await until(async () => {
    await get(`${g.base}/`);
    return (g.gw.filters() as { canary: unknown }[])[0]!.canary === null;
  });
  for (let i = 0; i < 4; i++) {
    const res = await get(`${g.base}/`);
    assert.equal(res.status, 200);
    assert.equal(res.headers['x-version-resp'], versionText(1));
  }
  const metrics = (await get(`${g.admin}/stats/prometheus`)).body;
  assert.match(metrics, /sluice_filter_module_changes_total\{filter="ver",result="auto_rolled_back"\} 1/);
  assert.ok(g.logs.some((l) => l.includes('rolled back trap rate')));
});

test('a changed module file is loaded on its own (file watch)', async (t) => {
  const up = await startEchoUpstream(t);
  const file = moduleFile(t);
  const g = await startReloadGateway(t, filterConfig(file, up.address), { watchModulesMs: 30 });
  assert.equal((await get(`${g.base}/`)).headers['x-version-resp'], versionText(1));
  writeFileSync(file, moduleVersion(3));
  await until(async () => (await get(`${g.base}/`)).headers['x-version-resp'] === versionText(3));
  writeFileSync(file, moduleVersion(4, Mode.TrapInStart));
  await until(() => g.logs.some((l) => l.includes('new module refused')));
  assert.equal((await get(`${g.base}/`)).headers['x-version-resp'], versionText(3));
});
