// response-rewrite (filters/response-rewrite): JSON redaction through the in-process harness,
// and one exchange through a real Gateway.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { FilterHarness } from '../../sdk/testing/index.js';
import type { HarnessOptions } from '../../sdk/testing/harness.js';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseConfigText } from '../../host/config/load.js';
import { Gateway } from '../../host/gateway.js';
import { createLogger } from '../../host/observability/logger.js';

const WASM = 'filters/build/response-rewrite.wasm';
const JSON_CT = { 'content-type': 'application/json; charset=utf-8' };

async function load(t: TestContext, configuration: Record<string, unknown>, opts: HarnessOptions = {}): Promise<FilterHarness> {
  const h = await FilterHarness.load({ file: WASM, rootId: 'response-rewrite', configuration }, opts);
  t.after(() => h.close());
  return h;
}

const doc = {
  user: { name: 'alice', ssn: '123-45-6789' },
  items: [{ id: 1, card: '4111111111111111' }, { id: 2, card: '5500000000000004' }],
};

test('response-rewrite redacts a nested field with "***"', async (t) => {
  const h = await load(t, { rules: [{ path: 'user.ssn', action: 'redact' }] });
  const r = await h.exchange({ upstream: { headers: JSON_CT, body: JSON.stringify(doc) } });
  assert.equal(r.status, 200);
  assert.deepEqual(JSON.parse(r.text).user, { name: 'alice', ssn: '***' });
});

test('response-rewrite removes a field in every array element', async (t) => {
  const h = await load(t, { rules: [{ path: 'items[*].card', action: 'remove' }] });
  const r = await h.exchange({ upstream: { headers: JSON_CT, body: JSON.stringify(doc) } });
  assert.deepEqual(JSON.parse(r.text).items, [{ id: 1 }, { id: 2 }]);
});

test('response-rewrite sets a value (adding the member) and redacts with a configured value', async (t) => {
  const h = await load(t, {
    redact_value: '[hidden]',
    rules: [
      { path: 'meta', action: 'set', value: { source: 'gateway' } },
      { path: 'items[0].card', action: 'redact' },
      { path: 'user.name', action: 'redact', value: null },
    ],
  });
  const r = await h.exchange({ upstream: { headers: JSON_CT, body: JSON.stringify(doc) } });
  const out = JSON.parse(r.text);
  assert.deepEqual(out.meta, { source: 'gateway' });
  assert.equal(out.items[0].card, '[hidden]');
  assert.equal(out.items[1].card, '5500000000000004');
  assert.equal(out.user.name, null);
});

test('response-rewrite buffers a body that arrives in chunks and drops the stale content-length', async (t) => {
  const h = await load(t, { rules: [{ path: 'user.ssn', action: 'remove' }] });
  const body = JSON.stringify(doc);
  const r = await h.exchange({
    upstream: { headers: { ...JSON_CT, 'content-length': String(body.length) }, body: [body.slice(0, 10), body.slice(10, 40), body.slice(40)] },
  });
  assert.deepEqual(JSON.parse(r.text).user, { name: 'alice' });
  const length = r.header('content-length');
  assert.ok(length === undefined || Number(length) === r.body.length);
});

test('response-rewrite: member wildcards, array indexes and absent paths', async (t) => {
  const h = await load(t, { rules: [
    { path: 'users.*.password', action: 'remove' },
    { path: 'items[1]', action: 'redact' },
    { path: 'items[5].card', action: 'redact' },
    { path: 'nothing.here', action: 'redact' },
    { path: 'nothing.here', action: 'set', value: 1 },
  ] });
  const body = { users: { a: { name: 'a', password: 'x' }, b: { password: 'y' } }, items: [1, 2, 3] };
  const r = await h.exchange({ upstream: { headers: JSON_CT, body: JSON.stringify(body) } });
  assert.deepEqual(JSON.parse(r.text), { users: { a: { name: 'a' }, b: {} }, items: [1, '***', 3] });
});

test('response-rewrite: a top-level array with [*] paths', async (t) => {
  const h = await load(t, { rules: [{ path: '[*].token', action: 'redact' }] });
  const r = await h.exchange({ upstream: { headers: JSON_CT, body: '[{"token":"a","id":1},{"id":2}]' } });
  assert.deepEqual(JSON.parse(r.text), [{ token: '***', id: 1 }, { id: 2 }]);
});

test('response-rewrite: a body with nothing to change is passed byte for byte', async (t) => {
  const h = await load(t, { rules: [{ path: 'user.ssn', action: 'redact' }] });
  const body = '{ "other" : true }';
  const r = await h.exchange({ upstream: { headers: JSON_CT, body } });
  assert.equal(r.text, body);
});

test('response-rewrite leaves other content types untouched', async (t) => {
  const h = await load(t, { rules: [{ path: 'user.ssn', action: 'redact' }] });
  const body = JSON.stringify(doc);
  const r = await h.exchange({ upstream: { headers: { 'content-type': 'text/plain' }, body } });
  assert.equal(r.text, body);
});

test('response-rewrite content_types replaces the default list', async (t) => {
  const h = await load(t, { content_types: ['application/problem+json'], rules: [{ path: 'user.ssn', action: 'redact' }] });
  const body = JSON.stringify(doc);
  const plain = await h.exchange({ upstream: { headers: JSON_CT, body } });
  assert.equal(plain.text, body);
  const problem = await h.exchange({ upstream: { headers: { 'content-type': 'application/problem+json' }, body } });
  assert.equal(JSON.parse(problem.text).user.ssn, '***');
});

test('response-rewrite passes a body that is not valid JSON unchanged with on_parse_error: pass', async (t) => {
  const h = await load(t, { on_parse_error: 'pass', rules: [{ path: 'user.ssn', action: 'redact' }] });
  const r = await h.exchange({ upstream: { headers: JSON_CT, body: '{"user": {"ssn": 1' } });
  assert.equal(r.status, 200);
  assert.equal(r.text, '{"user": {"ssn": 1');
});

test('response-rewrite: a body past the listener buffer limit gets 500 while its headers are held', async (t) => {
  const h = await load(t, { rules: [{ path: 'user.ssn', action: 'redact' }] }, { bufferLimitBytes: 1024 });
  const big = JSON.stringify({ user: { ssn: 'x' }, pad: 'p'.repeat(4096) });
  // The host checks the limit while the filter keeps buffering: the second chunk passes it.
  const r = await h.exchange({ upstream: { headers: JSON_CT, body: [big.slice(0, 1000), big.slice(1000, 2000), big.slice(2000)] } });
  assert.equal(r.status, 500);
  assert.equal(r.details, 'response_payload_too_large');
  assert.ok(!r.text.includes('"ssn"'));
});

test('response-rewrite: a body past the listener buffer limit resets the stream once headers left', async (t) => {
  const h = await load(t, { rules: [{ path: 'user.ssn', action: 'redact' }] }, { bufferLimitBytes: 1024 });
  const big = JSON.stringify({ user: { ssn: 'x' }, pad: 'p'.repeat(4096) });
  // Trailers: no content-length, so the headers are not held.
  const r = await h.exchange({ upstream: { headers: JSON_CT, body: [big.slice(0, 1000), big.slice(1000)], trailers: { 'x-t': '1' } } });
  assert.equal(r.reset, 'response_payload_too_large');
  assert.equal(r.body.length, 0);
});

test('response-rewrite: max_body_bytes lets a larger body stream through unchanged instead', async (t) => {
  const h = await load(t, { max_body_bytes: 512, rules: [{ path: 'user.ssn', action: 'redact' }] }, { bufferLimitBytes: 1024 });
  const big = JSON.stringify({ user: { ssn: 'x' }, pad: 'p'.repeat(4096) });
  const r = await h.exchange({ upstream: { headers: JSON_CT, body: [big.slice(0, 400), big.slice(400)] } });
  assert.equal(r.status, 200);
  assert.equal(r.text, big);
});

test('response-rewrite refuses a malformed path at load', async () => {
  await assert.rejects(FilterHarness.load({ file: WASM, configuration: { rules: [{ path: 'items[x', action: 'redact' }] } }));
});

test('response-rewrite through a real gateway: the client gets the redacted body', async (t) => {
  const upstream = createServer((req, res) => {
    req.resume();
    const body = JSON.stringify(doc);
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => { upstream.closeAllConnections(); upstream.close(() => r()); }));
  const upPort = (upstream.address() as AddressInfo).port;
  const filterConfig = { rules: [{ path: 'user.ssn', action: 'redact' }, { path: 'items[*].card', action: 'remove' }] };
  const yaml = `
listeners:
  - name: main
    address: 127.0.0.1:0
    http_filters:
      - name: rewrite
        wasm:
          file: ${WASM}
          root_id: response-rewrite
          configuration: ${JSON.stringify(filterConfig)}
    route_config: rc
route_configs:
  - name: rc
    virtual_hosts:
      - name: all
        domains: ["*"]
        routes:
          - match: { prefix: "/" }
            route: { cluster: backend }
clusters:
  - name: backend
    endpoints:
      - address: 127.0.0.1:${upPort}
`;
  const gw = await Gateway.start(parseConfigText(yaml, { format: 'yaml', baseDir: process.cwd() }),
    { log: createLogger({ level: 'error', write: () => {} }) });
  t.after(() => gw.stop({ drainTimeoutMs: 200 }));
  const port = gw.listeners()[0]!.port;
  const res = await new Promise<{ status: number; length: string | undefined; text: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/account' }, (r) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => resolve({ status: r.statusCode!, length: r.headers['content-length'], text: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end();
  });
  assert.equal(res.status, 200);
  assert.deepEqual(JSON.parse(res.text), { user: { name: 'alice', ssn: '***' }, items: [{ id: 1 }, { id: 2 }] });
  assert.ok(res.length === undefined || Number(res.length) === Buffer.byteLength(res.text));
});
