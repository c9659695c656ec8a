import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { once } from 'node:events';
import { rawExchange, simpleConfig, startGateway, startUpstream } from '../gateway/harness.js';

const catchAll = [{ match: { prefix: '/' }, route: { cluster: 'b' } }];

async function gateway(t: import('node:test').TestContext, listener: Record<string, unknown> = {}) {
  const up = await startUpstream(t);
  const g = await startGateway(t, simpleConfig(catchAll, [{ name: 'b', endpoints: [{ address: up.address }] }], listener));
  return { ...g, up };
}

function statusOf(text: string): number {
  const m = /^HTTP\/1\.1 (\d{3}) /.exec(text);
  return m ? Number(m[1]) : 0;
}

test('a malformed request line gets 400 and the connection is closed', async (t) => {
  const { port, up } = await gateway(t);
  const r = await rawExchange(port, 'GARBAGE / HTTP/9.9 what\r\n\r\n');
  assert.equal(statusOf(r.text), 400);
  assert.match(r.text, /connection: close/i);
  assert.ok(r.closed);
  assert.equal(up.seen.length, 0);
});

test('a malformed header line gets 400 and the connection is closed', async (t) => {
  const { port } = await gateway(t);
  const r = await rawExchange(port, 'GET / HTTP/1.1\r\nHost: a\r\nBad Header Without Colon\r\n\r\n');
  assert.equal(statusOf(r.text), 400);
  assert.ok(r.closed);
});

test('Content-Length together with Transfer-Encoding gets 400', async (t) => {
  const { port, up } = await gateway(t);
  const r = await rawExchange(
    port,
    'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n0\r\n\r\n',
  );
  assert.equal(statusOf(r.text), 400);
  assert.ok(r.closed);
  assert.equal(up.seen.length, 0);
});

test('two different Content-Length values get 400', async (t) => {
  const { port, up } = await gateway(t);
  const r = await rawExchange(port, 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\nabcde');
  assert.equal(statusOf(r.text), 400);
  assert.ok(r.closed);
  assert.equal(up.seen.length, 0);
});

test('headers over max_request_headers_kb get 431', async (t) => {
  const { port } = await gateway(t, { limits: { max_request_headers_kb: 2 } });
  const r = await rawExchange(port, `GET / HTTP/1.1\r\nHost: a\r\nX-Big: ${'x'.repeat(4096)}\r\n\r\n`);
  assert.equal(statusOf(r.text), 431);
  assert.ok(r.closed);
});

test('an unsupported Expect gets 417', async (t) => {
  const { port, up } = await gateway(t);
  const r = await rawExchange(port, 'GET / HTTP/1.1\r\nHost: a\r\nExpect: teapot\r\nConnection: close\r\n\r\n');
  assert.equal(statusOf(r.text), 417);
  assert.equal(up.seen.length, 0);
});

test('Expect: 100-continue gets 100 Continue, then the request is proxied', async (t) => {
  const { port, up } = await gateway(t);
  const sock = connect(port, '127.0.0.1');
  t.after(() => sock.destroy());
  sock.write('POST /c HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n');
  let text = '';
  sock.on('data', (c: Buffer) => (text += c.toString('latin1')));
  while (!text.includes('\r\n\r\n')) await once(sock, 'data');
  assert.match(text, /^HTTP\/1\.1 100 Continue\r\n/);
  sock.write('hello');
  await once(sock, 'close');
  assert.match(text, /HTTP\/1\.1 200 OK/);
  assert.equal(up.seen.length, 1);
  assert.equal(up.seen[0]!.headers.expect, undefined);
});

test('the gateway keeps serving after a burst of bad input', async (t) => {
  const { port } = await gateway(t);
  const bad = ['\x00\x01\x02\r\n\r\n', 'GET / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n', 'GET /\r\n\r\n', 'GET / HTTP/1.1\r\nHo'];
  await Promise.all(bad.map((b) => rawExchange(port, b, 1000)));
  const r = await rawExchange(port, 'GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n');
  assert.equal(statusOf(r.text), 200);
});

test('a client that never finishes its headers gets 408 after headers_timeout', async (t) => {
  const { port, up } = await gateway(t, { limits: { headers_timeout: '300ms', request_timeout: '2s' } });
  const r = await rawExchange(port, 'GET / HTTP/1.1\r\nHost: a\r\nX-Slow: ', 10_000);
  assert.equal(statusOf(r.text), 408);
  assert.ok(r.closed);
  assert.equal(up.seen.length, 0);
});

test('an idle keep-alive connection is closed after idle_timeout', async (t) => {
  const { port } = await gateway(t, { limits: { idle_timeout: '100ms' } });
  const r = await rawExchange(port, 'GET / HTTP/1.1\r\nHost: a\r\n\r\n', 10_000);
  assert.equal(statusOf(r.text), 200);
  assert.ok(r.closed, 'server closed the idle connection');
});
