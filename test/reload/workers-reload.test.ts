import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { SluiceProcess } from '../cli/sluice-process.js';
import { get, Mode, MODULE_FILE, moduleVersion, startEchoUpstream, until, versionText } from './helpers.js';

function config(upstream: string, tag: string): Record<string, unknown> {
  return {
    workers: 2,
    admin: { address: '127.0.0.1:0' },
    listeners: [{
      name: 'main', address: '127.0.0.1:0', route_config: 'rc',
      http_filters: [{ name: 'ver', wasm: { file: MODULE_FILE } }],
    }],
    route_configs: [{
      name: 'rc',
      virtual_hosts: [{
        name: 'all', domains: ['*'],
        routes: [{ match: { prefix: '/' }, route: { cluster: 'up' }, response_headers_to_add: [{ name: 'x-config', value: tag }] }],
      }],
    }],
    clusters: [{ name: 'up', endpoints: [{ address: upstream }] }],
  };
}

interface Answer {
  applied: string;
  workers: { worker: number; ok: boolean; status?: number }[];
}

test('workers: 2 — the primary validates, every worker applies config and module changes, results per worker', async (t) => {
  const up = await startEchoUpstream(t);
  const dir = mkdtempSync(join(tmpdir(), 'sluice-workers-reload-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'sluice.json');
  writeFileSync(file, JSON.stringify(config(up.address, 'one')));
  const p = new SluiceProcess(['run', '-c', file]);
  t.after(async () => {
    p.child.kill('SIGTERM');
    await p.exited;
  });
  await until(() => p.logLines().some((l) => l.msg === 'admin ready'), 20_000);
  const admin = `http://${String(p.logLines().find((l) => l.msg === 'admin ready')!.address)}`;
  const base = `http://${String(p.logLines().find((l) => l.msg === 'listener ready')!.address)}`;
  assert.equal((await get(`${base}/`)).headers['x-config'], 'one');

  const r = await get(`${admin}/config`, { method: 'POST', body: JSON.stringify(config(up.address, 'two')) });
  assert.equal(r.status, 200, r.body);
  const answer = JSON.parse(r.body) as Answer;
  assert.equal(answer.applied, '2/2');
  assert.deepEqual(answer.workers.map((w) => w.worker), [1, 2]);
  for (let i = 0; i < 6; i++) assert.equal((await get(`${base}/`)).headers['x-config'], 'two');

  const broken = await get(`${admin}/config`, { method: 'POST', body: '{"listeners": 1}' });
  assert.equal(broken.status, 400);
  assert.match((JSON.parse(broken.body) as { errors: string[] }).errors[0]!, /^listeners: /);

  const swap = await get(`${admin}/filters/ver`, { method: 'PUT', body: moduleVersion(8) });
  assert.equal(swap.status, 200, swap.body);
  for (let i = 0; i < 6; i++) assert.equal((await get(`${base}/`)).headers['x-version-resp'], versionText(8));
  const bad = await get(`${admin}/filters/ver`, { method: 'PUT', body: moduleVersion(9, Mode.ConfigureFalse) });
  assert.equal(bad.status, 422, bad.body);
  assert.deepEqual((JSON.parse(bad.body) as Answer).workers.map((w) => w.ok), [false, false]);
  assert.equal((await get(`${base}/`)).headers['x-version-resp'], versionText(8));
});
