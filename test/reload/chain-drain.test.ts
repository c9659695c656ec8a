import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { filterConfig, get, moduleVersion, startEchoUpstream, startReloadGateway, until, versionText } from './helpers.js';

test('an old chain waits for its streams up to the listener\'s drain_timeout (not a fixed 30 s) before its VM shuts down', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-chain-drain-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'ver.wasm');
  writeFileSync(file, moduleVersion(1));
  const up = await startEchoUpstream(t);
  const cfg = filterConfig(file, up.address);
  (cfg.listeners as Record<string, unknown>[])[0]!.drain_timeout = '300ms';
  const g = await startReloadGateway(t, cfg);

  const slow = get(`${g.base}/?slow=4000`).catch(() => undefined);
  await until(() => (g.gw.filters() as { active_contexts: number }[])[0]!.active_contexts === 1);
  const put = await get(`${g.admin}/filters/ver`, { method: 'PUT', body: moduleVersion(2) });
  assert.equal(put.status, 200, put.body);
  // With the old fixed bound the version 1 VM would live on for 30 s behind the slow stream.
  await until(() => g.logs.some((l) => l.includes(`root done ${versionText(1)}`)), 3000);
  await slow;
});
