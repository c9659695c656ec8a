/**
 * Cleartext listeners (codec auto) read a connection's first bytes to tell h2c from HTTP/1.1.
 * Until those bytes arrive the connection is idle: a client that half-closes first is closed,
 * and a drain closes it at once instead of waiting out headers_timeout.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { once } from 'node:events';
import { Registry } from 'prom-client';
import { parseConfigText } from '../../host/config/load.js';
import { Gateway } from '../../host/gateway.js';
import { createLogger } from '../../host/observability/logger.js';

// headers_timeout far beyond the test timeout: only the behaviour under test can close these.
const CONFIG = {
  listeners: [{ name: 'l', address: '127.0.0.1:0', route_config: 'rc', limits: { headers_timeout: '300s' } }],
  route_configs: [{ name: 'rc', virtual_hosts: [{ name: 'all', domains: ['*'], routes: [{ match: { prefix: '/' }, direct_response: { status: 200, body: 'ok' } }] }] }],
};

async function start(): Promise<Gateway> {
  const loaded = parseConfigText(JSON.stringify(CONFIG), { format: 'json', baseDir: process.cwd() });
  return Gateway.start(loaded, { log: createLogger({ level: 'error', write: () => {} }), registry: new Registry() });
}

async function silentClient(port: number): Promise<Socket> {
  const s = connect(port, '127.0.0.1');
  s.on('error', () => {});
  await once(s, 'connect');
  return s;
}

test('a client that half-closes before sending anything is closed by the gateway', { timeout: 20_000 }, async (t) => {
  const gw = await start();
  t.after(() => gw.stop({ drainTimeoutMs: 100 }));
  const s = await silentClient(gw.listeners()[0]!.port);
  const closed = once(s, 'close');
  s.end();
  await closed;
  // The listener still serves.
  const res = await fetch(`http://127.0.0.1:${gw.listeners()[0]!.port}/`);
  assert.equal(await res.text(), 'ok');
});

test('a drain closes connections that have sent nothing yet, without waiting for headers_timeout', { timeout: 20_000 }, async () => {
  const gw = await start();
  const s = await silentClient(gw.listeners()[0]!.port);
  const closed = once(s, 'close');
  await gw.stop({ drainTimeoutMs: 300_000 });
  await closed;
  assert.equal(s.destroyed, true);
});
