/**
 * HTTP filter chains with their own route_config: chosen by the connection (here: not TLS), and
 * following a reload that changes that route config.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfigText } from '../../host/config/load.js';
import { startGateway } from '../gateway/harness.js';

function cfg(body: string): Record<string, unknown> {
  const direct = (name: string, b: string) => ({
    name, virtual_hosts: [{ name: 'all', domains: ['*'], routes: [{ match: { prefix: '/' }, direct_response: { status: 200, body: b } }] }],
  });
  return {
    listeners: [{
      name: 'l', address: '127.0.0.1:0', route_config: 'default',
      filter_chains: [{ name: 'plain', match: { transport_protocol: 'raw_buffer' }, route_config: 'chain' }],
    }],
    route_configs: [direct('default', 'default'), direct('chain', body)],
  };
}

test('a cleartext connection is served by the raw_buffer chain and its route config, also after a reload', async (t) => {
  const { gw, port } = await startGateway(t, cfg('one'));
  assert.equal(await (await fetch(`http://127.0.0.1:${port}/`)).text(), 'one');
  await gw.reload(parseConfigText(JSON.stringify(cfg('two')), { format: 'json', baseDir: process.cwd() }));
  assert.equal(await (await fetch(`http://127.0.0.1:${port}/`)).text(), 'two');
});
