import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { filterConfig, get, Mode, moduleVersion, startEchoUpstream, startReloadGateway, until, versionText } from './helpers.js';

function moduleFile(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-canary-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'ver.wasm');
  writeFileSync(file, moduleVersion(1));
  return file;
}

for (const policy of ['fail_closed', 'fail_open'] as const) {
  test(`canary under ${policy}: a canary VM that fails (not replaced) is rolled back at its first trap`, async (t) => {
    const up = await startEchoUpstream(t);
    let flip = 0;
    const g = await startReloadGateway(t, filterConfig(moduleFile(t), up.address, { filter: { failure_policy: policy } }),
      { random: () => (flip++ % 2 === 0 ? 0.1 : 0.9) });
    const put = await get(`${g.admin}/filters/ver?canary=50`, { method: 'PUT', body: moduleVersion(7, Mode.TrapOnRequest) });
    assert.equal(put.status, 200, put.body);
    // The first request goes to the canary (random 0.1 < 50%) and traps its VM.
    await get(`${g.base}/`);
    await until(() => (g.gw.filters() as { canary: unknown }[])[0]!.canary === null);
    for (let i = 0; i < 6; i++) {
      const res = await get(`${g.base}/`);
      assert.equal(res.status, 200);
      assert.equal(res.headers['x-version-resp'], versionText(1));
    }
    const metrics = (await get(`${g.admin}/stats/prometheus`)).body;
    assert.match(metrics, /sluice_filter_module_changes_total\{filter="ver",result="auto_rolled_back"\} 1/);
    assert.ok(g.logs.some((l) => l.includes('rolled back its VM failed')));
  });
}
