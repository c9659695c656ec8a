/**
 * Module files of filters outside the filter registry follow their files like the others: a
 * filter chain's own http_filters and network_filters. A rewritten file serves new streams /
 * connections while those in flight finish on the old VM (shut down after them); a broken one
 * is refused and the old version keeps serving.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { get, Mode, moduleVersion, startReloadGateway, until, versionText } from './helpers.js';

const NET_FILTER = join(process.cwd(), 'dist', 'test', 'wasm', 'net_filter.wasm');
const WATCH_MS = 30;

function tempFile(t: TestContext, bytes: Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-chain-watch-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'module.wasm');
  writeFileSync(file, bytes);
  return file;
}

/**
 * An upstream echoing the filter's request header as x-echo-version; `/hold` waits for
 * `release()`, and `held` resolves once such a request has arrived.
 */
async function startHoldingUpstream(t: TestContext): Promise<{ address: string; held: Promise<void>; release: () => void }> {
  let arrived!: () => void;
  let release!: () => void;
  const held = new Promise<void>((r) => (arrived = r));
  const released = new Promise<void>((r) => (release = r));
  const server = createHttpServer((req, res) => {
    req.resume();
    const answer = (): void => {
      res.writeHead(200, { 'x-echo-version': String(req.headers['x-version-req'] ?? '') });
      res.end('ok');
    };
    if (req.url !== '/hold') return answer();
    arrived();
    void released.then(answer);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => {
    release();
    server.closeAllConnections();
    return new Promise<void>((r) => server.close(() => r()));
  });
  return { address: `127.0.0.1:${(server.address() as AddressInfo).port}`, held, release };
}

/** A listener whose only filter chain has its own route_config and http_filter `ver` (module `file`). */
function chainHttpConfig(file: string, upstream: string): Record<string, unknown> {
  return {
    listeners: [{
      name: 'main', address: '127.0.0.1:0', route_config: 'rc',
      filter_chains: [{
        name: 'plain', match: { transport_protocol: 'raw_buffer' }, route_config: 'rc',
        http_filters: [{ name: 'ver', wasm: { file, failure_policy: 'fail_closed' } }],
      }],
    }],
    route_configs: [{ name: 'rc', virtual_hosts: [{ name: 'all', domains: ['*'], routes: [{ match: { prefix: '/' }, route: { cluster: 'up' } }] }] }],
    clusters: [{ name: 'up', endpoints: [{ address: upstream }] }],
  };
}

/** A TCP echo upstream. */
async function startEcho(t: TestContext): Promise<string> {
  const sockets = new Set<Socket>();
  const server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    s.on('data', (d: Buffer) => s.write(d));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => {
    for (const s of sockets) s.destroy();
    return new Promise<void>((r) => server.close(() => r()));
  });
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A listener whose filter chain runs network filter `net` (module `file`, configuration "upper") before tcp_proxy. */
function networkConfig(file: string, echo: string): Record<string, unknown> {
  return {
    listeners: [{
      name: 'l4', address: '127.0.0.1:0',
      filter_chains: [{ network_filters: [{ name: 'net', wasm: { file, configuration: 'upper' } }], tcp_proxy: { cluster: 'echo' } }],
    }],
    clusters: [{ name: 'echo', endpoints: [{ address: echo }] }],
  };
}

/** Writes `text` on `s` and reads until as many bytes came back (or the socket closed). */
async function exchange(s: Socket, text: string, want: number): Promise<string> {
  let got = '';
  const done = new Promise<void>((resolve) => {
    const onData = (d: Buffer): void => {
      got += d.toString();
      if (got.length >= want) finish();
    };
    const finish = (): void => {
      s.off('data', onData);
      resolve();
    };
    s.on('data', onData);
    s.once('close', finish);
  });
  s.write(text);
  await done;
  return got;
}

async function open(t: TestContext, port: number): Promise<Socket> {
  const s = connect({ port, host: '127.0.0.1' });
  s.on('error', () => {});
  t.after(() => s.destroy());
  await once(s, 'connect');
  return s;
}

/** One request on a new connection: what comes back for "abc". */
async function roundTrip(t: TestContext, port: number): Promise<string> {
  const s = await open(t, port);
  const got = await exchange(s, 'abc', 3);
  s.destroy();
  return got;
}

test('a filter chain http_filter module file rewritten: new requests run it, one in flight finishes on the old VM', async (t) => {
  const up = await startHoldingUpstream(t);
  const file = tempFile(t, moduleVersion(1));
  const g = await startReloadGateway(t, chainHttpConfig(file, up.address), { watchModulesMs: WATCH_MS });
  assert.equal((await get(`${g.base}/`)).headers['x-version-resp'], versionText(1));

  const inFlight = get(`${g.base}/hold`);
  await up.held;
  writeFileSync(file, moduleVersion(2));
  await until(async () => (await get(`${g.base}/`)).headers['x-version-resp'] === versionText(2));
  const fresh = await get(`${g.base}/`);
  assert.equal(fresh.headers['x-echo-version'], versionText(2));
  assert.ok(!g.logs.some((l) => l.includes(`root done ${versionText(1)}`)), 'the old VM lives while its stream is in flight');

  up.release();
  const old = await inFlight;
  assert.equal(old.status, 200);
  assert.equal(old.headers['x-echo-version'], versionText(1));
  assert.equal(old.headers['x-version-resp'], versionText(1));
  await until(() => g.logs.some((l) => l.includes(`root deleted ${versionText(1)}`)));
});

test('a network filter module file rewritten: new connections run it, an open connection keeps the old VM', async (t) => {
  const echo = await startEcho(t);
  // Version 1 passes bytes through (no network callbacks); version 2 is net_filter ("upper": ABC!).
  const file = tempFile(t, moduleVersion(1));
  const g = await startReloadGateway(t, networkConfig(file, echo), { watchModulesMs: WATCH_MS });
  const port = g.gw.listeners()[0]!.port;
  const openConn = await open(t, port);
  assert.equal(await exchange(openConn, 'hello', 5), 'hello');

  writeFileSync(file, readFileSync(NET_FILTER));
  await until(async () => (await roundTrip(t, port)) === 'ABC!');
  assert.equal(await exchange(openConn, 'again', 5), 'again', 'the open connection stays on the old version');
  assert.ok(!g.logs.some((l) => l.includes(`root done ${versionText(1)}`)), 'the old VM lives while its connection is open');

  openConn.destroy();
  await until(() => g.logs.some((l) => l.includes(`root deleted ${versionText(1)}`)));
  assert.equal(await roundTrip(t, port), 'ABC!');
});

test('a broken filter chain http_filter module is refused: the old version keeps serving', async (t) => {
  const up = await startHoldingUpstream(t);
  const file = tempFile(t, moduleVersion(1));
  const g = await startReloadGateway(t, chainHttpConfig(file, up.address), { watchModulesMs: WATCH_MS });
  writeFileSync(file, moduleVersion(2, Mode.TrapInStart));
  await until(() => g.logs.some((l) => l.includes('filter ver: new module refused')));
  assert.equal((await get(`${g.base}/`)).headers['x-version-resp'], versionText(1));
  writeFileSync(file, Buffer.from('not a wasm module'));
  await until(() => g.logs.filter((l) => l.includes('filter ver: new module refused')).length === 2);
  assert.equal((await get(`${g.base}/`)).headers['x-version-resp'], versionText(1));
  const metrics = (await get(`${g.admin}/stats/prometheus`)).body;
  assert.match(metrics, /sluice_filter_module_changes_total\{filter="ver",result="refused"\} 2/);
  assert.ok(!g.logs.some((l) => l.includes(`root done ${versionText(1)}`)), 'version 1 was never shut down');
});

test('a broken network filter module is refused: the old version keeps serving new connections', async (t) => {
  const echo = await startEcho(t);
  const file = tempFile(t, readFileSync(NET_FILTER));
  const g = await startReloadGateway(t, networkConfig(file, echo), { watchModulesMs: WATCH_MS });
  const port = g.gw.listeners()[0]!.port;
  assert.equal(await roundTrip(t, port), 'ABC!');
  writeFileSync(file, moduleVersion(2, Mode.ConfigureFalse));
  await until(() => g.logs.some((l) => l.includes('filter net: new module refused')));
  assert.equal(await roundTrip(t, port), 'ABC!');
  const metrics = (await get(`${g.admin}/stats/prometheus`)).body;
  assert.match(metrics, /sluice_filter_module_changes_total\{filter="net",result="refused"\} 1/);
});
