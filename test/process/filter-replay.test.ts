/**
 * `workers: 2`: what the primary keeps for workers started later, and what it alone knows.
 */
import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { request } from 'undici';
import { moduleVersion, versionText } from '../reload/helpers.js';
import { get, startSupervised, type Supervised } from './supervised.js';
import { okUpstream } from './upstream.js';

async function workerConfig(t: TestContext, upstreamPort: number): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-replay-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'ver.wasm');
  writeFileSync(file, moduleVersion(1));
  return `workers: 2
admin: { address: 127.0.0.1:0 }
listeners:
  - name: public
    address: 127.0.0.1:0
    route_config: main
    http_filters: [{ name: ver, wasm: { file: ${JSON.stringify(file)} } }]
route_configs:
  - name: main
    virtual_hosts:
      - name: all
        domains: ["*"]
        routes: [{ match: { prefix: "/" }, route: { cluster: backend } }]
clusters:
  - name: backend
    endpoints: [{ address: 127.0.0.1:${upstreamPort} }]
`;
}

async function send(admin: number, method: 'PUT' | 'POST', path: string, body: string | Buffer): Promise<{ status: number; body: string }> {
  const r = await request(`http://127.0.0.1:${admin}${path}`, { method, body });
  return { status: r.statusCode, body: await r.body.text() };
}

/** Waits until slot `id` runs a serving process other than `oldPid`. */
function replaced(sup: Supervised, admin: number, id: number, oldPid: number): Promise<number> {
  return sup.waitFor(async () => {
    const w = (await sup.workers(admin)).find((x) => x.worker === id);
    return w && w.pid !== null && w.pid !== oldPid && w.state === 'ready' ? w.pid : undefined;
  });
}

test('a restarted worker serves the module loaded by PUT /filters/{name}, not the file\'s', { timeout: 90_000 }, async (t) => {
  const sup = await startSupervised(t, await workerConfig(t, await okUpstream(t)));
  const ports = await sup.ready();
  const put = await send(ports.admin, 'PUT', '/filters/ver', moduleVersion(2));
  assert.equal(put.status, 200, put.body);
  const [w1] = await sup.workers(ports.admin);
  process.kill(w1!.pid!, 'SIGKILL');
  await replaced(sup, ports.admin, 1, w1!.pid!);

  const seen = new Set<string>();
  for (let i = 0; i < 8; i++) seen.add(String((await get(ports.listener, `/r${i}`)).headers['x-version-resp']));
  assert.deepEqual([...seen], [versionText(2)]);
  const workers = await sup.workers(ports.admin);
  assert.ok((workers[0]!.summary?.downstream_requests ?? 0) > 0, 'the new worker 1 answered some of them');
});

test('a config the primary refuses shows in /config_dump and sluice_config_reloads_total; a POSTed one is marked admin', { timeout: 90_000 }, async (t) => {
  const yaml = await workerConfig(t, await okUpstream(t));
  const sup = await startSupervised(t, yaml);
  const ports = await sup.ready();
  const refused = await send(ports.admin, 'POST', '/config', '{"listeners": 1}');
  assert.equal(refused.status, 400, refused.body);

  const dump = JSON.parse((await get(ports.admin, '/config_dump')).body) as {
    version: { source: string; last_error: { errors: string[] } | null };
  };
  assert.match(dump.version.last_error?.errors[0] ?? '', /^listeners: /);
  assert.equal(dump.version.source, 'file');
  const metrics = (await get(ports.admin, '/stats/prometheus')).body;
  assert.match(metrics, /sluice_config_reloads_total\{result="refused"\} 1/);

  const applied = await send(ports.admin, 'POST', '/config', yaml.replace('route: { cluster: backend }', 'route: { cluster: backend, timeout: 9s }'));
  assert.equal(applied.status, 200, applied.body);
  const after = JSON.parse((await get(ports.admin, '/config_dump')).body) as { version: { source: string; last_error: unknown } };
  assert.equal(after.version.source, 'admin');
  assert.equal(after.version.last_error, null);
});
