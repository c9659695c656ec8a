import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { test } from 'node:test';
import { parseConfigText } from '../../host/config/load.js';
import { get, startReloadGateway, until } from './helpers.js';

function config(upstream: string, withExtra: boolean): Record<string, unknown> {
  const listeners: Record<string, unknown>[] = [{ name: 'main', address: '127.0.0.1:0', route_config: 'rc' }];
  if (withExtra) listeners.push({ name: 'extra', address: '127.0.0.1:0', route_config: 'rc', drain_timeout: '10s' });
  return {
    listeners,
    route_configs: [{ name: 'rc', virtual_hosts: [{ name: 'all', domains: ['*'], routes: [{ match: { prefix: '/' }, route: { cluster: 'up' } }] }] }],
    clusters: [{ name: 'up', endpoints: [{ address: upstream }] }],
  };
}

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
  });
}

test('a listener removed by a reload finishes its in-flight requests (200) and refuses new connections', async (t) => {
  // Holds each request until the test lets it go, so it is in flight across the reload.
  let arrived = 0;
  const held: (() => void)[] = [];
  const server = createServer((req, res) => {
    arrived++;
    held.push(() => res.writeHead(200, { 'x-upstream': 'up' }).end('done'));
    req.resume();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => {
    server.closeAllConnections();
    server.close(() => r());
  }));
  const up = { address: `127.0.0.1:${(server.address() as AddressInfo).port}` };
  const g = await startReloadGateway(t, config(up.address, true));
  const extra = g.gw.listeners().find((l) => l.name === 'extra')!;
  const main = g.gw.listeners().find((l) => l.name === 'main')!;
  const slow = get(`http://127.0.0.1:${extra.port}/slow`);
  await until(() => arrived === 1);

  const next = config(up.address, false);
  (next.listeners as { address: string }[])[0]!.address = `127.0.0.1:${main.port}`;
  await g.gw.reload(parseConfigText(JSON.stringify({ admin: { address: '127.0.0.1:0' }, ...next }), { format: 'json', baseDir: process.cwd() }));
  assert.deepEqual(g.gw.listeners().map((l) => l.name), ['main']);
  await until(() => refused(extra.port));

  held.forEach((release) => release());
  const r = await slow;
  assert.equal(r.status, 200);
  assert.equal(r.body, 'done');
});
