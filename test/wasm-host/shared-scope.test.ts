/**
 * Shared data is one store per worker, keyed by vm_id, whoever built the filter: a filter
 * chain's own http_filters see what listener-level filters with the same vm_id wrote.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Registry } from 'prom-client';
import { request } from 'undici';
import { parseConfigText } from '../../host/config/load.js';
import { Gateway } from '../../host/gateway.js';
import { createLogger } from '../../host/observability/logger.js';
import { startUpstream } from '../gateway/harness.js';
import { wasmPath } from './harness.js';

test('a filter chain\'s own http filter reads shared data a listener filter of the same vm_id wrote', async (t) => {
  const up = await startUpstream(t, 'up');
  const script = wasmPath('script');
  const config = {
    listeners: [{
      name: 'main', address: '127.0.0.1:0', route_config: 'rc',
      http_filters: [{ name: 'writer', wasm: { file: script, vm_id: 'common', configuration: 'configure sset shared-key from-writer' } }],
      filter_chains: [{ name: 'all', route_config: 'rc',
        http_filters: [{ name: 'reader', wasm: { file: script, vm_id: 'common', configuration: 'req_headers sget shared-key' } }] }],
    }],
    route_configs: [{ name: 'rc', virtual_hosts: [{ name: 'all', domains: ['*'], routes: [{ match: { prefix: '/' }, route: { cluster: 'up' } }] }] }],
    clusters: [{ name: 'up', endpoints: [{ address: up.address }] }],
  };
  const lines: string[] = [];
  const gw = await Gateway.start(parseConfigText(JSON.stringify(config), { format: 'json', baseDir: '/' }), {
    log: createLogger({ level: 'info', write: (l) => lines.push(l) }), registry: new Registry(),
  });
  t.after(() => gw.stop({ drainTimeoutMs: 100 }));
  const r = await request(`http://127.0.0.1:${gw.listeners()[0]!.port}/`);
  await r.body.text();
  assert.equal(r.statusCode, 200);
  assert.ok(lines.some((l) => l.includes('sget from-writer s=0')), lines.filter((l) => l.includes('sget')).join('\n'));
});
