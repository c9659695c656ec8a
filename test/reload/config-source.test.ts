import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { get, startEchoUpstream, startReloadGateway } from './helpers.js';

function config(upstream: string, tag: string): Record<string, unknown> {
  return {
    admin: { address: '127.0.0.1:0' },
    listeners: [{ name: 'main', address: '127.0.0.1:0', route_config: 'rc' }],
    route_configs: [{
      name: 'rc', virtual_hosts: [{
        name: 'all', domains: ['*'],
        routes: [{ match: { prefix: '/' }, route: { cluster: 'up' }, response_headers_to_add: [{ name: 'x-config', value: tag }] }],
      }],
    }],
    clusters: [{ name: 'up', endpoints: [{ address: upstream }] }],
  };
}

interface Dump {
  version: { source: string };
}

test('/config_dump says a POSTed config is the admin\'s until the next file reload replaces it', async (t) => {
  const up = await startEchoUpstream(t);
  const g = await startReloadGateway(t, config(up.address, 'start'));
  const source = async (): Promise<string> => (JSON.parse((await get(`${g.admin}/config_dump`)).body) as Dump).version.source;
  assert.equal(await source(), 'file');

  const posted = await get(`${g.admin}/config`, { method: 'POST', body: JSON.stringify({ ...config(up.address, 'posted'), listeners: [{ name: 'main', address: `127.0.0.1:${g.gw.listeners()[0]!.port}`, route_config: 'rc' }] }) });
  assert.equal(posted.status, 200, posted.body);
  assert.equal(await source(), 'admin');
  assert.equal((await get(`${g.base}/`)).headers['x-config'], 'posted');

  const dir = mkdtempSync(join(tmpdir(), 'sluice-source-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'sluice.json');
  writeFileSync(file, JSON.stringify({ ...config(up.address, 'file'), listeners: [{ name: 'main', address: `127.0.0.1:${g.gw.listeners()[0]!.port}`, route_config: 'rc' }] }));
  await g.gw.reloadFile(file);
  assert.equal(await source(), 'file');
  assert.equal((await get(`${g.base}/`)).headers['x-config'], 'file');
});
