import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, get, request as httpRequest, type IncomingMessage } from 'node:http';
import { connect, createServer, type AddressInfo } from 'node:net';
import { once } from 'node:events';
import { Registry } from 'prom-client';
import { ConfigLoadError } from '../../host/config/errors.js';
import { parseConfigText } from '../../host/config/load.js';
import { Gateway } from '../../host/gateway.js';
import { createLogger } from '../../host/observability/logger.js';
import { deadPort, request, simpleConfig, startGateway, startUpstream } from './harness.js';

const catchAll = [{ match: { prefix: '/' }, route: { cluster: 'b' } }];
const quiet = () => createLogger({ level: 'critical', write: () => {} });

test('listeners() reports the real ports bound for port 0', async (t) => {
  const up = await startUpstream(t);
  const config = simpleConfig(catchAll, [{ name: 'b', endpoints: [{ address: up.address }] }]);
  (config.listeners as unknown[]).push({ name: 'second', address: '127.0.0.1:0', route_config: 'rc' });
  const { gw } = await startGateway(t, config);
  const ls = gw.listeners();
  assert.deepEqual(ls.map((l) => l.name), ['main', 'second']);
  for (const l of ls) {
    assert.equal(l.host, '127.0.0.1');
    assert.ok(l.port > 0);
    assert.equal((await request(l.port)).status, 200);
  }
});

test('an address in use fails start with a ConfigLoadError and stops what had started', async (t) => {
  const blocker = createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
  t.after(() => blocker.close());
  const busy = (blocker.address() as AddressInfo).port;
  const free = await deadPort();
  const config = {
    listeners: [
      { name: 'first', address: `127.0.0.1:${free}`, route_config: 'rc' },
      { name: 'second', address: `127.0.0.1:${busy}`, route_config: 'rc' },
    ],
    route_configs: [{ name: 'rc', virtual_hosts: [{ name: 'all', domains: ['*'], routes: [{ match: { prefix: '/' }, direct_response: { status: 200 } }] }] }],
  };
  const loaded = parseConfigText(JSON.stringify(config), { format: 'json', baseDir: process.cwd() });
  await assert.rejects(Gateway.start(loaded, { log: quiet(), registry: new Registry() }), (err: unknown) => {
    assert.ok(err instanceof ConfigLoadError);
    assert.deepEqual(err.errors, [{ path: 'listeners[1].address', message: `address 127.0.0.1:${busy} already in use` }]);
    return true;
  });
  // The first listener was closed again: its port can be bound.
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject);
    probe.listen(free, '127.0.0.1', resolve);
  });
  await new Promise<void>((r) => probe.close(() => r()));
});

test('an admin address in use fails start with a ConfigLoadError at admin.address', async (t) => {
  const blocker = createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
  t.after(() => blocker.close());
  const busy = (blocker.address() as AddressInfo).port;
  const config = {
    admin: { address: `127.0.0.1:${busy}` },
    listeners: [{ name: 'main', address: '127.0.0.1:0', route_config: 'rc' }],
    route_configs: [{ name: 'rc', virtual_hosts: [{ name: 'all', domains: ['*'], routes: [{ match: { prefix: '/' }, direct_response: { status: 200 } }] }] }],
  };
  const loaded = parseConfigText(JSON.stringify(config), { format: 'json', baseDir: process.cwd() });
  await assert.rejects(Gateway.start(loaded, { log: quiet(), registry: new Registry() }), (err: unknown) => {
    assert.ok(err instanceof ConfigLoadError);
    assert.deepEqual(err.errors, [{ path: 'admin.address', message: `address 127.0.0.1:${busy} already in use` }]);
    return true;
  });
});

test('the admin server serves ready, config_dump (hash, loaded_at) and clusters', async (t) => {
  const up = await startUpstream(t);
  const config = { ...simpleConfig(catchAll, [{ name: 'b', endpoints: [{ address: up.address }] }]), admin: { address: '127.0.0.1:0' } };
  const { gw } = await startGateway(t, config);
  assert.ok(gw.admin);
  const admin = gw.admin.port;
  const ready = await request(admin, { path: '/ready' });
  assert.equal(ready.status, 200);
  const dump = JSON.parse((await request(admin, { path: '/config_dump' })).body);
  assert.equal(dump.version.hash, gw.loaded.hash);
  assert.equal(dump.version.loaded_at, gw.loaded.loadedAt.toISOString());
  assert.equal(dump.config.clusters[0].name, 'b');
  const clusters = JSON.parse((await request(admin, { path: '/clusters' })).body);
  assert.equal(clusters.clusters[0].name, 'b');
  assert.deepEqual(JSON.parse((await request(admin, { path: '/filters' })).body), []);
});

test('graceful stop lets an in-flight slow request finish, then closes', async (t) => {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let arrived!: () => void;
  const inFlight = new Promise<void>((r) => (arrived = r));
  const up = await startUpstream(t, 'slow', async (_req, res) => {
    arrived();
    await gate;
    res.end('finished');
  });
  const { gw, port } = await startGateway(t, simpleConfig(catchAll, [{ name: 'b', endpoints: [{ address: up.address }] }]));
  const agent = new Agent({ keepAlive: true });
  t.after(() => agent.destroy());
  const req = httpRequest({ host: '127.0.0.1', port, agent });
  req.end();
  const resP = once(req, 'response');
  await inFlight;
  const stopped = gw.stop({ drainTimeoutMs: 10_000 });
  assert.equal(gw.ready(), false);
  // New connections are refused while draining.
  const refused = await new Promise<boolean>((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.on('error', () => resolve(true));
    s.on('connect', () => {
      s.destroy();
      resolve(false);
    });
  });
  assert.ok(refused);
  release();
  const [res] = (await resP) as [IncomingMessage];
  let body = '';
  for await (const c of res as AsyncIterable<Buffer>) body += c.toString();
  assert.equal(body, 'finished');
  assert.equal(res.headers.connection, 'close');
  await stopped;
});

test('stop closes idle keep-alive connections right away', async (t) => {
  const up = await startUpstream(t);
  const { gw, port } = await startGateway(t, simpleConfig(catchAll, [{ name: 'b', endpoints: [{ address: up.address }] }]));
  const agent = new Agent({ keepAlive: true });
  t.after(() => agent.destroy());
  const socket = await new Promise<import('node:net').Socket>((resolve, reject) => {
    const req = get({ host: '127.0.0.1', port, agent }, (res) => {
      const s = res.socket;
      res.resume();
      res.on('end', () => resolve(s));
    });
    req.on('error', reject);
  });
  const closed = once(socket, 'close');
  // A drain timeout far beyond the test: only closing the idle connection at once lets it finish.
  await gw.stop({ drainTimeoutMs: 60_000 });
  await closed;
});

test('max_connections closes excess connections at accept and counts them', async (t) => {
  const up = await startUpstream(t);
  const { gw, port } = await startGateway(t, simpleConfig(catchAll, [{ name: 'b', endpoints: [{ address: up.address }] }], { limits: { max_connections: 1 } }));
  const first = connect(port, '127.0.0.1');
  t.after(() => first.destroy());
  await once(first, 'connect');
  // Make sure the server has accepted the first one before opening the second.
  first.write('GET / HTTP/1.1\r\nHost: a\r\n\r\n');
  await once(first, 'data');
  const second = connect(port, '127.0.0.1');
  second.on('error', () => {});
  second.write('GET / HTTP/1.1\r\nHost: a\r\n\r\n');
  let got = '';
  second.on('data', (c: Buffer) => (got += c.toString()));
  await once(second, 'close');
  assert.equal(got, '');
  assert.equal(gw.httpListeners()[0]!.droppedConnections, 1);
});

test('requests are counted in the gateway registry', async (t) => {
  const up = await startUpstream(t);
  const { gw, port } = await startGateway(t, simpleConfig(catchAll, [{ name: 'b', endpoints: [{ address: up.address }] }]));
  await request(port);
  await request(port, { method: 'GET', path: '/', headers: {} });
  const text = await gw.registry.metrics();
  assert.match(text, /sluice_downstream_requests_total\{[^}]*listener="main"[^}]*\} 2/);
});
