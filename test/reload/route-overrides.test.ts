import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { ConfigLoadError } from '../../host/config/errors.js';
import { parseConfigText } from '../../host/config/load.js';
import { Gateway } from '../../host/gateway.js';
import { createLogger } from '../../host/observability/logger.js';
import { filterConfig, get, moduleVersion, startEchoUpstream, startReloadGateway, versionText } from './helpers.js';

/** dist/test/wasm/script.wasm: its configuration "configure ret 0" makes proxy_on_configure fail. */
const SCRIPT = join(process.cwd(), 'dist', 'test', 'wasm', 'script.wasm');

function moduleFile(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-overrides-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'ver.wasm');
  writeFileSync(file, moduleVersion(1));
  return file;
}

function scriptConfig(upstream: string, vhFilters: unknown, routeFilters: unknown): Record<string, unknown> {
  return {
    listeners: [{
      name: 'main', address: '127.0.0.1:0', route_config: 'rc',
      http_filters: [{ name: 's', wasm: { file: SCRIPT, configuration: '' } }],
    }],
    route_configs: [{
      name: 'rc', virtual_hosts: [{
        name: 'all', domains: ['*'], ...(vhFilters ? { filters: vhFilters } : {}),
        routes: [{ match: { prefix: '/' }, route: { cluster: 'up' }, ...(routeFilters ? { filters: routeFilters } : {}) }],
      }],
    }],
    clusters: [{ name: 'up', endpoints: [{ address: upstream }] }],
  };
}

test('a per-route configuration whose configure fails refuses the config at start, with its path', async (t) => {
  const up = await startEchoUpstream(t);
  const loaded = parseConfigText(JSON.stringify(scriptConfig(up.address, undefined, { s: { configuration: 'configure ret 0' } })),
    { format: 'json', baseDir: process.cwd() });
  const err = await Gateway.start(loaded, { log: createLogger({ level: 'error', write: () => {} }) }).then(
    (gw) => gw.stop().then(() => undefined), (e: unknown) => e);
  assert.ok(err instanceof ConfigLoadError, String(err));
  assert.match(err.message, /route_configs\[0\]\.virtual_hosts\[0\]\.routes\[0\]\.filters\.s\.configuration: .*proxy_on_configure/);
});

test('a reload adding a virtual-host configuration whose configure fails is refused; the old config keeps serving', async (t) => {
  const up = await startEchoUpstream(t);
  const g = await startReloadGateway(t, scriptConfig(up.address, undefined, undefined));
  const next = parseConfigText(JSON.stringify({ admin: { address: '127.0.0.1:0' }, ...scriptConfig(up.address, { s: { configuration: 'configure ret 0' } }, undefined) }),
    { format: 'json', baseDir: process.cwd() });
  await assert.rejects(g.gw.reload(next), /route_configs\[0\]\.virtual_hosts\[0\]\.filters\.s\.configuration: .*proxy_on_configure/);
  assert.equal((await get(`${g.base}/`)).status, 200);
});

test('virtual host filter settings apply to its routes; a route\'s own entry replaces them (route over virtual host over listener)', async (t) => {
  const up = await startEchoUpstream(t);
  const cfg = filterConfig(moduleFile(t), up.address);
  (cfg.route_configs as unknown[]) = [{
    name: 'rc', virtual_hosts: [
      {
        name: 'vh', domains: ['vh.test'], filters: { ver: { configuration: 'v=VHST' } },
        routes: [
          { match: { prefix: '/own' }, route: { cluster: 'up' }, filters: { ver: { configuration: 'v=ROUT' } } },
          { match: { prefix: '/off' }, route: { cluster: 'up' }, filters: { ver: { disabled: true } } },
          { match: { prefix: '/' }, route: { cluster: 'up' } },
        ],
      },
      { name: 'plain', domains: ['*'], routes: [{ match: { prefix: '/' }, route: { cluster: 'up' } }] },
    ],
  }];
  const g = await startReloadGateway(t, cfg);
  const at = async (host: string, path: string): Promise<unknown> => {
    const { request } = await import('undici');
    const r = await request(`${g.base}${path}`, { headers: { host } });
    await r.body.text();
    return r.headers['x-version-resp'];
  };
  assert.equal(await at('vh.test', '/'), 'VHST');
  assert.equal(await at('vh.test', '/own'), 'ROUT');
  assert.equal(await at('vh.test', '/off'), undefined);
  assert.equal(await at('other.test', '/'), versionText(1));
});

test('GET /filters counts the VMs of per-route configurations', async (t) => {
  const up = await startEchoUpstream(t);
  const g = await startReloadGateway(t, filterConfig(moduleFile(t), up.address, {
    routes: [
      { match: { prefix: '/a' }, route: { cluster: 'up' }, filters: { ver: { configuration: 'v=AAAA' } } },
      { match: { prefix: '/' }, route: { cluster: 'up' } },
    ],
  }));
  assert.equal((await get(`${g.base}/a`)).headers['x-version-resp'], 'AAAA');
  const f = (JSON.parse((await get(`${g.admin}/filters`)).body) as { vms: number; route_vms: number }[])[0]!;
  assert.deepEqual({ vms: f.vms, route_vms: f.route_vms }, { vms: 2, route_vms: 1 });
});
