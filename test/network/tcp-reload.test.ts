/**
 * A listener kept across a config reload: new connections use the current config's clusters,
 * not the ones the listener was built with, both for tcp_proxy and for a network filter's
 * http_call (test/wasm/net_pause.ts "call:").
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfigText } from '../../host/config/load.js';
import { fileURLToPath } from 'node:url';
import { startGateway, startUpstream } from '../gateway/harness.js';
import { startEcho, tcpConfig } from './servers.js';
import { roundTrip } from './tcp-client.js';

test('a reload changing the tcp_proxy cluster endpoint sends new connections to the new endpoint', async (t) => {
  const one = await startEcho(t, '1:');
  const two = await startEcho(t, '2:');
  const cfg = (address: string): Record<string, unknown> => tcpConfig({ filter_chains: [{ tcp_proxy: { cluster: 'echo' } }] }, [{ name: 'echo', address }]);
  const { gw, port } = await startGateway(t, cfg(one.address));
  assert.equal(await roundTrip(port, 'a', 3), '1:a');
  await gw.reload(parseConfigText(JSON.stringify(cfg(two.address)), { format: 'json', baseDir: process.cwd() }));
  assert.equal(gw.listeners()[0]!.port, port, 'listener kept');
  // Give the old config time to drain and close its clusters: new connections must not use them.
  await new Promise((r) => setTimeout(r, 100));
  for (const text of ['b', 'c']) assert.equal(await roundTrip(port, text, 3), `2:${text}`);
  assert.deepEqual(two.received, ['b', 'c']);
});

test('a network filter http_call after a reload reaches the cluster of the new config', async (t) => {
  const echo = await startEcho(t);
  const one = await startUpstream(t, 'one');
  const two = await startUpstream(t, 'two');
  const wasm = fileURLToPath(new URL('../wasm/net_pause.wasm', import.meta.url));
  const cfg = (auth: string): Record<string, unknown> => tcpConfig({
    filter_chains: [{ network_filters: [{ name: 'call', wasm: { file: wasm, configuration: 'call:auth' } }], tcp_proxy: { cluster: 'echo' } }],
  }, [{ name: 'echo', address: echo.address }, { name: 'auth', address: auth }]);
  const { gw, port, logs } = await startGateway(t, cfg(one.address));
  // The filter holds the connection until its call answered, so the echo proves the order.
  assert.equal(await roundTrip(port, 'a'), 'a');
  assert.ok(logs.some((l) => l.includes('called ok from one')));
  await gw.reload(parseConfigText(JSON.stringify(cfg(two.address)), { format: 'json', baseDir: process.cwd() }));
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(await roundTrip(port, 'b'), 'b');
  assert.ok(logs.some((l) => l.includes('called ok from two')), logs.join('\n'));
});
