import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseConfigText } from '../../host/config/load.js';
import { get, moduleVersion, startEchoUpstream, startReloadGateway } from './helpers.js';

/** A listener with the `ver` filter and a plain-HTTP filter chain whose route config adds x-config: `tag`. */
function config(file: string, upstream: string, tag: string, extraListeners: unknown[] = []): Record<string, unknown> {
  return {
    listeners: [{
      name: 'main', address: '127.0.0.1:0', route_config: 'rc',
      http_filters: [{ name: 'ver', wasm: { file, failure_policy: 'fail_closed' } }],
      filter_chains: [{ name: 'plain', match: { transport_protocol: 'raw_buffer' }, route_config: 'rcchain' }],
    }, ...extraListeners],
    route_configs: [
      { name: 'rc', virtual_hosts: [{ name: 'all', domains: ['*'], routes: [{ match: { prefix: '/' }, route: { cluster: 'up' } }] }] },
      {
        name: 'rcchain', virtual_hosts: [{
          name: 'all', domains: ['*'],
          routes: [{ match: { prefix: '/' }, route: { cluster: 'up' }, response_headers_to_add: [{ name: 'x-config', value: tag }] }],
        }],
      },
    ],
    clusters: [{ name: 'up', endpoints: [{ address: upstream }] }],
  };
}

test('a config refused at bind time leaves nothing behind: a later module swap re-derives chains from the serving config', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-refused-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'ver.wasm');
  writeFileSync(file, moduleVersion(1));
  const up = await startEchoUpstream(t);
  const g = await startReloadGateway(t, config(file, up.address, 'good'));
  assert.equal((await get(`${g.base}/`)).headers['x-config'], 'good');

  // The extra listener's address is the upstream's, already bound: refused after everything was built.
  const port = g.gw.listeners()[0]!.port;
  const bad = config(file, up.address, 'refused', [{ name: 'clash', address: up.address, route_config: 'rc' }]);
  (bad.listeners as { address: string }[])[0]!.address = `127.0.0.1:${port}`;
  const next = parseConfigText(JSON.stringify({ admin: { address: '127.0.0.1:0' }, ...bad }), { format: 'json', baseDir: process.cwd() });
  await assert.rejects(g.gw.reload(next), /already in use/);
  assert.equal((await get(`${g.base}/`)).headers['x-config'], 'good');

  const put = await get(`${g.admin}/filters/ver`, { method: 'PUT', body: moduleVersion(2) });
  assert.equal(put.status, 200, put.body);
  assert.equal((await get(`${g.base}/`)).headers['x-config'], 'good');
});
