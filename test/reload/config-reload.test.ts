import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { Client } from 'undici';
import { filterConfig, get, MODULE_FILE, startEchoUpstream, startReloadGateway, until, versionText } from './helpers.js';

/** Listener `name` on port 0 with route config `rc`. */
function listener(name: string, address = '127.0.0.1:0'): Record<string, unknown> {
  return { name, address, route_config: 'rc' };
}

function config(upA: string, upB: string, opts: { routes?: unknown[]; listeners?: unknown[]; withB?: boolean } = {}): Record<string, unknown> {
  return {
    admin: { address: '127.0.0.1:0' },
    listeners: opts.listeners ?? [listener('main')],
    route_configs: [{
      name: 'rc',
      virtual_hosts: [{ name: 'all', domains: ['*'], routes: opts.routes ?? [{ match: { prefix: '/' }, route: { cluster: 'a' } }] }],
    }],
    clusters: [{ name: 'a', endpoints: [{ address: upA }] }, ...(opts.withB ? [{ name: 'b', endpoints: [{ address: upB }] }] : [])],
  };
}

async function postConfig(admin: string, cfg: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const r = await get(`${admin}/config`, { method: 'POST', body: JSON.stringify(cfg) });
  return { status: r.status, json: JSON.parse(r.body) as Record<string, unknown> };
}

test('POST /config adds a route and a cluster for new requests; an unchanged cluster keeps its pool and health', async (t) => {
  const a = await startEchoUpstream(t, 'a');
  const b = await startEchoUpstream(t, 'b');
  const g = await startReloadGateway(t, config(a.address, b.address));
  assert.equal((await get(`${g.base}/b/x`)).headers['x-upstream'], 'a');
  const clusterBefore = g.gw.httpListeners()[0]!.snapshot.clusters.get('a');
  const r = await postConfig(g.admin, config(a.address, b.address, {
    withB: true,
    routes: [{ match: { prefix: '/b/' }, route: { cluster: 'b' } }, { match: { prefix: '/' }, route: { cluster: 'a' } }],
  }));
  assert.equal(r.status, 200, JSON.stringify(r.json));
  assert.deepEqual((r.json.changes as { clusters: { added: string[] } }).clusters.added, ['b']);
  assert.equal((await get(`${g.base}/b/x`)).headers['x-upstream'], 'b');
  assert.equal((await get(`${g.base}/other`)).headers['x-upstream'], 'a');
  assert.equal(g.gw.httpListeners()[0]!.snapshot.clusters.get('a'), clusterBefore);
});

test('an unchanged listener keeps its socket and its keep-alive connections across a reload', async (t) => {
  const a = await startEchoUpstream(t, 'a');
  const b = await startEchoUpstream(t, 'b');
  const g = await startReloadGateway(t, config(a.address, b.address));
  const client = new Client(g.base, { pipelining: 1 });
  t.after(() => client.close());
  let connects = 0;
  client.on('connect', () => connects++);
  const one = await client.request({ path: '/', method: 'GET' });
  await one.body.text();
  const r = await postConfig(g.admin, config(a.address, b.address, { withB: true, routes: [{ match: { prefix: '/' }, route: { cluster: 'b' } }] }));
  assert.equal(r.status, 200);
  const two = await client.request({ path: '/', method: 'GET' });
  assert.equal(two.headers['x-upstream'], 'b');
  await two.body.text();
  assert.equal(connects, 1);
});

test('a request in flight finishes on the config it started with, even when its cluster is removed', async (t) => {
  const a = await startEchoUpstream(t, 'a');
  const b = await startEchoUpstream(t, 'b');
  const g = await startReloadGateway(t, config(a.address, b.address, { withB: true, routes: [{ match: { prefix: '/' }, route: { cluster: 'b' } }] }));
  const slow = get(`${g.base}/?slow=300`);
  await new Promise((r) => setTimeout(r, 50));
  assert.equal((await postConfig(g.admin, config(a.address, b.address))).status, 200);
  assert.equal((await get(`${g.base}/`)).headers['x-upstream'], 'a');
  const res = await slow;
  assert.equal(res.status, 200);
  assert.equal(res.headers['x-upstream'], 'b');
});

test('listeners: a new one starts, a removed one stops accepting, a moved one is remove + add', async (t) => {
  const a = await startEchoUpstream(t, 'a');
  const g = await startReloadGateway(t, config(a.address, a.address, { listeners: [listener('main'), listener('extra')] }));
  const ports = Object.fromEntries(g.gw.listeners().map((l) => [l.name, l.port]));
  const r = await postConfig(g.admin, config(a.address, a.address, { listeners: [listener('main'), listener('third')] }));
  assert.equal(r.status, 200, JSON.stringify(r.json));
  const now = Object.fromEntries(g.gw.listeners().map((l) => [l.name, l.port]));
  assert.deepEqual(Object.keys(now).sort(), ['main', 'third']);
  assert.equal(now.main, ports.main);
  assert.equal((await get(`http://127.0.0.1:${now.third}/`)).status, 200);
  await assert.rejects(get(`http://127.0.0.1:${ports.extra}/`));

  const moved = await postConfig(g.admin, config(a.address, a.address, { listeners: [listener('main', '127.0.0.1:0'), listener('third', '127.0.0.2:0')] }));
  assert.equal(moved.status, 200, JSON.stringify(moved.json));
  const third = g.gw.listeners().find((l) => l.name === 'third')!;
  assert.equal(third.host, '127.0.0.2');
  assert.equal((await get(`http://127.0.0.2:${third.port}/`)).status, 200);
});

test('changed socket settings on the same address: the listener is re-bound there and serves on', async (t) => {
  const a = await startEchoUpstream(t, 'a');
  const g = await startReloadGateway(t, config(a.address, a.address));
  const port = g.gw.listeners()[0]!.port;
  const limited = { ...listener('main', `127.0.0.1:${port}`), limits: { max_connections: 50 } };
  const r = await postConfig(g.admin, config(a.address, a.address, { listeners: [limited] }));
  assert.equal(r.status, 200, JSON.stringify(r.json));
  assert.deepEqual((r.json.changes as { listeners: { rebind: string[] } }).listeners.rebind, ['main']);
  await until(() => g.gw.listeners().length === 1);
  assert.equal(g.gw.listeners()[0]!.port, port);
  assert.equal((await get(`${g.base}/`)).status, 200);
});

test('a broken config is refused whole with path: message errors; nothing changes; config_dump shows the error', async (t) => {
  const a = await startEchoUpstream(t, 'a');
  const g = await startReloadGateway(t, config(a.address, a.address));
  const dump0 = JSON.parse((await get(`${g.admin}/config_dump`)).body) as { version: { hash: string; last_error: unknown } };
  assert.equal(dump0.version.last_error, null);
  const broken = config(a.address, a.address, { routes: [{ match: { prefix: '/' }, route: { cluster: 'missing' } }] });
  (broken.clusters as Record<string, unknown>[])[0]!.lb_policy = 'fastest';
  const r = await postConfig(g.admin, broken);
  assert.equal(r.status, 400);
  const errors = r.json.errors as string[];
  assert.ok(errors.length >= 1);
  for (const e of errors) assert.match(e, /^[^\s:]+: .+/);
  assert.ok(errors.some((e) => e.startsWith('clusters[0].lb_policy: ')), errors.join('\n'));
  const dump = JSON.parse((await get(`${g.admin}/config_dump`)).body) as { version: { hash: string; last_error: { errors: string[] } } };
  assert.equal(dump.version.hash, dump0.version.hash);
  assert.deepEqual(dump.version.last_error.errors, errors);
  assert.ok(g.logs.some((l) => l.includes('config reload refused: clusters[0].lb_policy')));
  assert.equal((await get(`${g.base}/`)).status, 200);

  const yaml = await get(`${g.admin}/config`, { method: 'POST', body: 'listeners: [' });
  assert.equal(yaml.status, 400);
});

test('a config that fails while building (missing module, address in use) is refused and releases what it built', async (t) => {
  const a = await startEchoUpstream(t, 'a');
  const g = await startReloadGateway(t, config(a.address, a.address));
  const busy = createServer();
  await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => busy.close(() => r())));
  const port = (busy.address() as { port: number }).port;
  const inUse = await postConfig(g.admin, config(a.address, a.address, { listeners: [listener('main'), listener('clash', `127.0.0.1:${port}`)] }));
  assert.equal(inUse.status, 400);
  assert.match((inUse.json.errors as string[])[0]!, /^listeners\[1\]\.address: address 127\.0\.0\.1:\d+ already in use/);
  const missing = filterConfig('/nonexistent/ver.wasm', a.address);
  const r = await postConfig(g.admin, { admin: { address: '127.0.0.1:0' }, ...missing, listeners: [{ ...(missing.listeners as object[])[0], address: g.base.slice(7) }] });
  assert.equal(r.status, 400);
  assert.deepEqual(g.gw.listeners().map((l) => l.name), ['main']);
  assert.equal((await get(`${g.base}/`)).status, 200);
});

test('config_dump shows the new version (hash, loaded_at) after a reload', async (t) => {
  const a = await startEchoUpstream(t, 'a');
  const b = await startEchoUpstream(t, 'b');
  const g = await startReloadGateway(t, config(a.address, b.address));
  const v0 = (JSON.parse((await get(`${g.admin}/config_dump`)).body) as { version: { hash: string } }).version.hash;
  assert.equal((await postConfig(g.admin, config(a.address, b.address, { withB: true }))).status, 200);
  const v1 = JSON.parse((await get(`${g.admin}/config_dump`)).body) as { version: { hash: string; loaded_at: string }; config: { clusters: unknown[] } };
  assert.notEqual(v1.version.hash, v0);
  assert.equal(v1.config.clusters.length, 2);
});

test('per-route filter settings: a route disables the filter, another gives it its own configuration', async (t) => {
  const up = await startEchoUpstream(t);
  const g = await startReloadGateway(t, filterConfig(MODULE_FILE, up.address, {
    routes: [
      { match: { prefix: '/off' }, route: { cluster: 'up' }, filters: { ver: { disabled: true } } },
      { match: { prefix: '/own' }, route: { cluster: 'up' }, filters: { ver: { configuration: 'v=route' } } },
      { match: { prefix: '/' }, route: { cluster: 'up' } },
    ],
  }));
  const plain = await get(`${g.base}/x`);
  assert.equal(plain.headers['x-version-resp'], versionText(0)); // the module as built
  const off = await get(`${g.base}/off`);
  assert.equal(off.status, 200);
  assert.equal(off.headers['x-version-resp'], undefined);
  assert.equal(off.headers['x-echo-version'], '');
  const own = await get(`${g.base}/own`);
  assert.equal(own.headers['x-version-resp'], 'route');
  assert.equal(own.headers['x-echo-version'], 'route');
});
