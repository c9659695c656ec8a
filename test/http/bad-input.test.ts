import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rawExchange, simpleConfig, startGateway, startUpstream } from '../gateway/harness.js';

const catchAll = [{ match: { prefix: '/' }, route: { cluster: 'b' } }];

async function gateway(t: import('node:test').TestContext, listener: Record<string, unknown> = {}) {
  const up = await startUpstream(t);
  const g = await startGateway(t, simpleConfig(catchAll, [{ name: 'b', endpoints: [{ address: up.address }] }], listener));
  return { ...g, up };
}

/** An access log file in a temp dir removed after the test; `read` parses its lines. */
function accessLogFile(t: import('node:test').TestContext): { path: string; read(): Record<string, unknown>[] } {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-bad-al-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'access.log');
  return { path, read: () => readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>) };
}

function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(series + ' '));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
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

test('an unsupported Expect gets a short 417, is logged and counted, and the connection closes', async (t) => {
  const log = accessLogFile(t);
  const { gw, port, up } = await gateway(t, { access_log: { path: log.path } });
  const r = await rawExchange(port, 'GET /tea HTTP/1.1\r\nHost: a\r\nExpect: teapot\r\n\r\n');
  assert.equal(statusOf(r.text), 417);
  assert.match(r.text, /content-length: 19\r\n/i);
  assert.ok(r.text.endsWith('\r\n\r\nexpectation failed\n'));
  assert.ok(r.closed, 'closed without the client asking');
  assert.equal(up.seen.length, 0);
  assert.equal(sample(await gw.registry.metrics(), 'sluice_downstream_requests_total{listener="main",status_class="4xx"}'), 1);
  await gw.stop();
  const [line] = log.read();
  assert.equal(line!.status, 417);
  assert.equal(line!.method, 'GET');
  assert.equal(line!.path, '/tea');
  assert.equal(line!.response_code_details, 'expectation_failed');
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

test('malformed requests, oversized headers and slow headers are access-logged', async (t) => {
  const log = accessLogFile(t);
  const { gw, port } = await gateway(t, {
    access_log: { path: log.path }, limits: { max_request_headers_kb: 2, headers_timeout: '300ms', request_timeout: '2s' },
  });
  assert.equal(statusOf((await rawExchange(port, 'GET /a HTTP/1.1\r\nHost: a\r\nBad Header\r\n\r\n')).text), 400);
  assert.equal(statusOf((await rawExchange(port, `GET /big HTTP/1.1\r\nHost: a\r\nX-Big: ${'x'.repeat(4096)}\r\n\r\n`)).text), 431);
  assert.equal(statusOf((await rawExchange(port, 'GET / HTTP/1.1\r\nHost: a\r\nX-Slow: ', 10_000)).text), 408);
  await gw.stop();
  const lines = log.read();
  assert.deepEqual(lines.map((l) => [l.status, l.response_flags, l.response_code_details]), [
    [400, 'DPE', 'http1.codec_error'],
    [431, 'DPE', 'request_headers_too_large'],
    [408, '-', 'request_overall_timeout'],
  ]);
  assert.deepEqual([lines[0]!.method, lines[0]!.path], ['GET', '/a']);
  assert.match(String(lines[0]!.downstream_remote_address), /^127\.0\.0\.1:\d+$/);
});

const badHosts: [string, string][] = [
  ['two Host headers', 'GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n'],
  ['two Host headers with the same value', 'GET / HTTP/1.1\r\nHost: a\r\nhost: a\r\n\r\n'],
  ['a Host with a space', 'GET / HTTP/1.1\r\nHost: a b\r\n\r\n'],
  ['a Host with a slash', 'GET / HTTP/1.1\r\nHost: a/b\r\n\r\n'],
  ['a Host with userinfo', 'GET / HTTP/1.1\r\nHost: user@a\r\n\r\n'],
  ['an empty Host on HTTP/1.1', 'GET / HTTP/1.1\r\nHost: \r\n\r\n'],
  ['no Host on HTTP/1.1', 'GET / HTTP/1.1\r\nX-A: 1\r\n\r\n'],
];

for (const [what, raw] of badHosts) {
  test(`${what} gets 400 and the connection is closed`, async (t) => {
    const { port, up } = await gateway(t);
    const r = await rawExchange(port, raw);
    assert.equal(statusOf(r.text), 400);
    assert.ok(r.closed);
    assert.equal(up.seen.length, 0);
  });
}

test('a bad Host is logged with its reason and the gateway keeps serving', async (t) => {
  const log = accessLogFile(t);
  const { gw, port, up } = await gateway(t, { access_log: { path: log.path } });
  await Promise.all(badHosts.map(([, raw]) => rawExchange(port, raw)));
  const ok = await rawExchange(port, 'GET /fine HTTP/1.1\r\nHost: [::1]:8080\r\nConnection: close\r\n\r\n');
  assert.equal(statusOf(ok.text), 200);
  assert.equal(up.seen.length, 1);
  await gw.stop();
  const reasons = log.read().filter((l) => l.status === 400).map((l) => l.response_code_details).sort();
  assert.deepEqual(reasons, ['duplicate_host', 'duplicate_host', 'invalid_host', 'invalid_host', 'invalid_host', 'invalid_host', 'missing_host']);
});

test('an HTTP/1.0 request without Host is still served', async (t) => {
  const { port } = await gateway(t);
  const r = await rawExchange(port, 'GET / HTTP/1.0\r\n\r\n');
  assert.match(r.text, /^HTTP\/1\.1 200 /);
});

test('CONNECT gets a short 405 and the connection is closed', async (t) => {
  const log = accessLogFile(t);
  const { gw, port, up } = await gateway(t, { access_log: { path: log.path } });
  const r = await rawExchange(port, 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n');
  assert.equal(statusOf(r.text), 405);
  assert.doesNotMatch(r.text, /^allow:/im);
  assert.ok(r.text.endsWith('\r\n\r\nmethod not allowed\n'));
  assert.ok(r.closed);
  assert.equal(up.seen.length, 0);
  await gw.stop();
  const [line] = log.read();
  assert.deepEqual([line!.method, line!.path, line!.status, line!.response_code_details], ['CONNECT', 'example.com:443', 405, 'connect_not_supported']);
});

test('a request body that stalls past request_timeout gets 408, the connection is closed, and the log says 408', async (t) => {
  const log = accessLogFile(t);
  const { gw, port } = await gateway(t, { access_log: { path: log.path }, limits: { headers_timeout: '200ms', request_timeout: '400ms' } });
  const r = await rawExchange(port, 'POST /slow HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc', 10_000);
  assert.equal(statusOf(r.text), 408);
  assert.ok(r.closed);
  await gw.stop();
  const lines = log.read();
  assert.deepEqual(lines.map((l) => [l.path, l.status, l.response_flags, l.response_code_details]),
    [['/slow', 408, '-', 'request_overall_timeout']]);
});
