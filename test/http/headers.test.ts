import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, get } from 'node:http';
import { rawExchange, request, simpleConfig, startGateway, startUpstream } from '../gateway/harness.js';

const catchAll = (cluster = 'b') => [{ match: { prefix: '/' }, route: { cluster } }];

test('keep-alive connections are reused downstream and upstream', async (t) => {
  const upstreamPeers: number[] = [];
  const up = await startUpstream(t, 'up', (req, res) => {
    upstreamPeers.push(req.socket.remotePort!);
    res.end('ok');
  });
  const { port } = await startGateway(t, simpleConfig(catchAll(), [{ name: 'b', endpoints: [{ address: up.address }] }]));
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  t.after(() => agent.destroy());
  const downstreamPorts: number[] = [];
  for (let i = 0; i < 3; i++) {
    await new Promise<void>((resolve, reject) => {
      get({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
        downstreamPorts.push(res.socket.localPort!);
        res.resume();
        res.on('end', resolve);
      }).on('error', reject);
    });
  }
  assert.equal(new Set(downstreamPorts).size, 1);
  assert.equal(new Set(upstreamPeers).size, 1);
  assert.equal(upstreamPeers.length, 3);
});

test('hop-by-hop request headers are stripped, end-to-end ones forwarded', async (t) => {
  const up = await startUpstream(t);
  const { port } = await startGateway(t, simpleConfig(catchAll(), [{ name: 'b', endpoints: [{ address: up.address }] }]));
  const raw =
    'GET /h HTTP/1.1\r\nHost: example.test\r\nConnection: keep-alive, X-Conn-Named\r\nX-Conn-Named: secret\r\n' +
    'Keep-Alive: timeout=5\r\nProxy-Connection: keep-alive\r\nTE: gzip\r\nProxy-Authorization: Basic abc\r\n' +
    'X-Custom: kept\r\nConnection: close\r\n\r\n';
  const res = await rawExchange(port, raw);
  assert.match(res.text, /^HTTP\/1\.1 200 /);
  const h = up.seen[0]!.headers;
  // undici speaks keep-alive on its own hop; nothing of the downstream Connection header survives.
  assert.ok(h.connection === undefined || h.connection === 'keep-alive');
  for (const name of ['x-conn-named', 'keep-alive', 'proxy-connection', 'te', 'proxy-authorization']) {
    assert.equal(h[name], undefined, `${name} must not reach the upstream`);
  }
  assert.equal(h['x-custom'], 'kept');
  assert.equal(h.host, 'example.test');
});

test('TE: trailers is the one TE value forwarded', async (t) => {
  const up = await startUpstream(t);
  const { port } = await startGateway(t, simpleConfig(catchAll(), [{ name: 'b', endpoints: [{ address: up.address }] }]));
  await request(port, { headers: { te: 'trailers' } });
  assert.equal(up.seen[0]!.headers.te, 'trailers');
});

test('hop-by-hop response headers are stripped', async (t) => {
  const up = await startUpstream(t, 'up', (_req, res) => {
    res.setHeader('connection', 'x-up-private');
    res.setHeader('x-up-private', '1');
    res.setHeader('proxy-authenticate', 'Basic');
    res.setHeader('x-public', 'yes');
    res.end('ok');
  });
  const { port } = await startGateway(t, simpleConfig(catchAll(), [{ name: 'b', endpoints: [{ address: up.address }] }]));
  const r = await request(port);
  assert.equal(r.status, 200);
  assert.equal(r.headers['x-up-private'], undefined);
  assert.equal(r.headers['proxy-authenticate'], undefined);
  assert.equal(r.headers['x-public'], 'yes');
  assert.equal(r.body, 'ok');
});

test('x-forwarded-for gets the client address appended and x-forwarded-proto is set', async (t) => {
  const up = await startUpstream(t);
  const { port } = await startGateway(t, simpleConfig(catchAll(), [{ name: 'b', endpoints: [{ address: up.address }] }]));
  await request(port, { headers: { 'x-forwarded-for': '203.0.113.7', 'x-forwarded-proto': 'https' } });
  await request(port);
  assert.equal(up.seen[0]!.headers['x-forwarded-for'], '203.0.113.7, 127.0.0.1');
  assert.equal(up.seen[0]!.headers['x-forwarded-proto'], 'http');
  assert.equal(up.seen[1]!.headers['x-forwarded-for'], '127.0.0.1');
});

test('an incoming x-request-id is kept', async (t) => {
  const up = await startUpstream(t);
  const { port } = await startGateway(t, simpleConfig(catchAll(), [{ name: 'b', endpoints: [{ address: up.address }] }]));
  await request(port, { headers: { 'x-request-id': 'abc-123' } });
  assert.equal(up.seen[0]!.headers['x-request-id'], 'abc-123');
});

test('a missing x-request-id is generated, unique per request', async (t) => {
  const up = await startUpstream(t);
  const { port } = await startGateway(t, simpleConfig(catchAll(), [{ name: 'b', endpoints: [{ address: up.address }] }]));
  await request(port);
  await request(port);
  const a = up.seen[0]!.headers['x-request-id'];
  const b = up.seen[1]!.headers['x-request-id'];
  assert.match(String(a), /^[0-9a-f-]{36}$/);
  assert.notEqual(a, b);
});

test('an absolute-form request-target is forwarded in origin-form with its authority as Host', async (t) => {
  const up = await startUpstream(t);
  const { port } = await startGateway(t, simpleConfig(catchAll(), [{ name: 'b', endpoints: [{ address: up.address }] }]));
  const res = await rawExchange(port, 'GET http://api.example.test/v1/items?x=1 HTTP/1.1\r\nHost: other\r\nConnection: close\r\n\r\n');
  assert.match(res.text, /^HTTP\/1\.1 200 /);
  assert.equal(up.seen[0]!.url, '/v1/items?x=1');
  assert.equal(up.seen[0]!.headers.host, 'api.example.test');
});
