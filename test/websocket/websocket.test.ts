/**
 * WebSocket through the gateway: the HTTP/1.1 upgrade is routed (and filtered), 101 relayed,
 * frames piped both ways, both sides closed together, idle tunnels closed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rawExchange, simpleConfig, startUpstream } from '../gateway/harness.js';
import { cleartextFront } from '../http2/h2-harness.js';
import { startPipeline } from '../http2/pipeline.js';
import { acceptKey, startWsEcho, wsConnect } from './ws-wire.js';

async function setup(t: import('node:test').TestContext, address: string, opts: { idle?: string; filters?: boolean } = {}) {
  const listener = opts.filters ? { http_filters: [{ name: 'deny', wasm: { file: 'dist/test/wasm/grpc_deny.wasm', root_id: 'deny' } }] } : {};
  const { ctx } = await startPipeline(
    t,
    simpleConfig(
      [{ match: { prefix: '/' }, route: { cluster: 'ws', timeout: '1s' } }],
      [{ name: 'ws', endpoints: [{ address }], ...(opts.idle ? { websocket_idle_timeout: opts.idle } : {}) }],
      listener,
    ),
  );
  return cleartextFront(t, ctx);
}

test('a WebSocket echo works through the gateway, past the route timeout', async (t) => {
  const up = await startWsEcho(t);
  const front = await setup(t, up.address);
  const c = await wsConnect(t, front.port);
  assert.equal(c.status, 101);
  assert.equal(c.headers['sec-websocket-accept'], acceptKey(c.key));
  assert.equal(await c.roundTrip('hello'), 'echo:hello');
  // The route timeout (1s) does not apply to an open tunnel.
  await new Promise((r) => setTimeout(r, 1200));
  assert.equal(await c.roundTrip('still there'), 'echo:still there');
  const seen = up.upgrades[0]!;
  assert.equal(seen.headers.upgrade, 'websocket');
  assert.match(String(seen.headers.connection), /upgrade/i);
  assert.equal(seen.headers.host, 'ws.test');
  assert.equal(seen.headers['x-forwarded-for'], '127.0.0.1');
});

test('when the client goes away the upstream side closes too', async (t) => {
  const up = await startWsEcho(t);
  const front = await setup(t, up.address);
  const c = await wsConnect(t, front.port);
  await c.roundTrip('x');
  const upstreamClosed = new Promise<void>((r) => up.sockets[0]!.once('close', () => r()));
  c.socket.destroy();
  await upstreamClosed;
});

test('when the upstream goes away the client side closes too', async (t) => {
  const up = await startWsEcho(t);
  const front = await setup(t, up.address);
  const c = await wsConnect(t, front.port);
  await c.roundTrip('x');
  up.sockets[0]!.destroy();
  await c.closed;
});

test('an idle tunnel is closed after websocket_idle_timeout', async (t) => {
  const up = await startWsEcho(t);
  const front = await setup(t, up.address, { idle: '300ms' });
  const c = await wsConnect(t, front.port);
  await c.roundTrip('x');
  await c.closed;
});

test('an upstream that refuses the upgrade: its answer is relayed and the connection closes', async (t) => {
  const up = await startWsEcho(t, { refuse: true });
  const front = await setup(t, up.address);
  const c = await wsConnect(t, front.port);
  assert.equal(c.status, 403);
  await c.closed;
});

test('upstream down: 503 to the upgrade request', async (t) => {
  const front = await setup(t, '127.0.0.1:1');
  const c = await wsConnect(t, front.port);
  assert.equal(c.status, 503);
  await c.closed;
});

test('wasm filters see the upgrade request: a rejection is answered, an allowed one is changed', async (t) => {
  const up = await startWsEcho(t);
  const front = await setup(t, up.address, { filters: true });
  const denied = await wsConnect(t, front.port, '/Deny');
  assert.equal(denied.status, 403);
  await denied.closed;
  const ok = await wsConnect(t, front.port, '/chat');
  assert.equal(ok.status, 101);
  assert.equal(await ok.roundTrip('hi'), 'echo:hi');
  assert.equal(up.upgrades.length, 1);
  assert.equal(up.upgrades[0]!.headers['x-grpc-seen'], '1');
});

test('other upgrades (Upgrade: h2c) are answered as plain requests', async (t) => {
  const up = await startUpstream(t, 'plain');
  const front = await setup(t, up.address);
  const r = await rawExchange(
    front.port,
    'GET /x HTTP/1.1\r\nhost: a\r\nconnection: Upgrade, HTTP2-Settings\r\nupgrade: h2c\r\nhttp2-settings: AAMAAABkAAQAAP__\r\n\r\n',
  );
  assert.match(r.text, /^HTTP\/1.1 200/);
  assert.match(r.text, /ok from plain/);
  assert.equal(up.seen[0]!.headers.upgrade, undefined);
});
