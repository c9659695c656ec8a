/**
 * proxy_on_new_connection pauses (test/wasm/net_pause.ts): the filters after a pausing one are
 * initialised when iteration goes on, and tcp_proxy connects its upstream once every filter
 * accepted the connection, so a server that speaks first is heard before the client sends.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { startGateway } from '../gateway/harness.js';
import { startGreeter, tcpConfig } from './servers.js';
import { readUntil } from './tcp-client.js';

const WASM = fileURLToPath(new URL('../wasm/net_pause.wasm', import.meta.url));

function pauseFilter(name: string, mode: string): Record<string, unknown> {
  return { name, wasm: { file: WASM, configuration: mode } };
}

/**
 * A greeter upstream behind tcp_proxy, with net_pause as `firstMode` then a "tag:second" filter
 * that logs its callbacks, and a client connected to it (destroyed after the test).
 */
async function pausedChain(t: TestContext, firstMode: string, greeting: string) {
  const greeter = await startGreeter(t, greeting);
  const { port, logs } = await startGateway(t, tcpConfig({
    filter_chains: [{ network_filters: [pauseFilter('first', firstMode), pauseFilter('second', 'tag:second')], tcp_proxy: { cluster: 'g' } }],
  }, [{ name: 'g', address: greeter.address }]));
  const s = connect({ port, host: '127.0.0.1' });
  t.after(() => s.destroy());
  return { greeter, logs, s };
}

test('a filter that pauses on_new_connection and continues: later filters start and the upstream speaks first', async (t) => {
  const { logs, s } = await pausedChain(t, 'pause', 'welcome\n');
  // No client bytes yet: the greeting only arrives if the chain went on and tcp_proxy connected.
  assert.equal(await readUntil(s, 'welcome\n'), 'welcome\n');
  assert.ok(logs.some((l) => l.includes('new tag:second')), 'second filter initialised');
  s.write('ping');
  assert.equal(await readUntil(s, 'ping'), 'ping');
  assert.ok(logs.some((l) => l.includes('data tag:second 4')), 'second filter sees client bytes');
});

test('client bytes passing a filter that paused on_new_connection initialise the filters after it', async (t) => {
  const { greeter, logs, s } = await pausedChain(t, 'hold', 'hi:');
  s.write('abc');
  assert.equal(await readUntil(s, 'hi:abc'), 'hi:abc');
  const newSecond = logs.findIndex((l) => l.includes('new tag:second'));
  assert.ok(newSecond >= 0, 'second filter initialised');
  assert.ok(logs.findIndex((l) => l.includes('data tag:second 3')) > newSecond, 'on_new_connection before the data');
  assert.deepEqual(greeter.received, ['abc']);
});
