/**
 * Each bundled filter once through the real gateway: sockets, HTTP codec, filter chain, router
 * and upstream pool, with the filter's observable effect checked on both sides.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { gatewayWith } from './e2e-helper.js';

test('e2e: hello adds x-hello upstream and downstream', async (t) => {
  const g = await gatewayWith(t, [{ name: 'hello', configuration: 'from sluice' }]);
  const r = await g.send();
  assert.equal(r.status, 200);
  assert.equal(r.headers['x-hello'], 'from sluice');
  assert.equal(g.seen[0]?.headers['x-hello'], 'from sluice');
});

test('e2e: header-mutation sets a templated request header and removes a response header', async (t) => {
  const g = await gatewayWith(t, [{
    name: 'header-mutation',
    configuration: { request: { set: [{ name: 'x-client-ip', value: '%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%' }] }, response: { remove: ['content-type'] } },
  }]);
  const r = await g.send();
  assert.equal(g.seen[0]?.headers['x-client-ip'], '127.0.0.1');
  assert.equal(r.headers['content-type'], undefined);
});

test('e2e: request-id generates an id and echoes it', async (t) => {
  const g = await gatewayWith(t, [{ name: 'request-id' }]);
  const r = await g.send();
  assert.match(String(r.headers['x-request-id']), /^[0-9a-f-]{36}$/);
  assert.equal(g.seen[0]?.headers['x-request-id'], r.headers['x-request-id']);
});

test('e2e: cors answers a preflight without reaching the upstream', async (t) => {
  const g = await gatewayWith(t, [{ name: 'cors', configuration: { allow_origins: ['https://app.test'], max_age: 60 } }]);
  const r = await g.send({ method: 'OPTIONS', headers: { origin: 'https://app.test', 'access-control-request-method': 'GET' } });
  assert.equal(r.status, 204);
  assert.equal(r.headers['access-control-allow-origin'], 'https://app.test');
  assert.equal(g.seen.length, 0);
});

test('e2e: fault-injection aborts with the configured status', async (t) => {
  const g = await gatewayWith(t, [{ name: 'fault-injection', configuration: { abort: { status: 503, percentage: 100, body: 'fault' } } }]);
  const r = await g.send();
  assert.equal(r.status, 503);
  assert.equal(r.body, 'fault');
  assert.equal(g.seen.length, 0);
});

test('e2e: fault-injection delays then forwards', async (t) => {
  const g = await gatewayWith(t, [{ name: 'fault-injection', configuration: { delay: { fixed_delay_ms: 20 } } }]);
  const r = await g.send();
  assert.equal(r.status, 200);
  assert.equal(g.seen.length, 1);
});

test('e2e: key-auth forwards the consumer for a valid key and refuses others', async (t) => {
  const g = await gatewayWith(t, [{ name: 'key-auth', configuration: { keys: [{ key: 'secret-1', consumer: 'alice' }] } }]);
  const denied = await g.send({ headers: { 'x-api-key': 'wrong' } });
  const ok = await g.send({ headers: { 'x-api-key': 'secret-1' } });
  assert.equal(denied.status, 401);
  assert.equal(ok.status, 200);
  assert.equal(g.seen.length, 1);
  assert.equal(g.seen[0]?.headers['x-consumer'], 'alice');
  assert.equal(g.seen[0]?.headers['x-api-key'], undefined);
});

test('e2e: basic-auth checks a hashed password', async (t) => {
  const digest = createHash('sha256').update('pw').digest('hex');
  const g = await gatewayWith(t, [{ name: 'basic-auth', configuration: { users: [{ username: 'u', password_sha256: digest }] } }]);
  const ok = await g.send({ headers: { authorization: 'Basic ' + Buffer.from('u:pw').toString('base64') } });
  const bad = await g.send({ headers: { authorization: 'Basic ' + Buffer.from('u:no').toString('base64') } });
  assert.equal(ok.status, 200);
  assert.equal(bad.status, 401);
  assert.equal(g.seen[0]?.headers['x-consumer'], 'u');
});

test('e2e: local-ratelimit answers 429 once the bucket is empty', async (t) => {
  const g = await gatewayWith(t, [{ name: 'local-ratelimit', configuration: { key: 'client_ip', max_tokens: 1, fill_interval_ms: 3600000 } }]);
  const first = await g.send();
  const second = await g.send();
  assert.equal(first.status, 200);
  assert.equal(second.status, 429);
  assert.ok(Number(second.headers['retry-after']) >= 1);
});

test('e2e: ip-restriction refuses a loopback client when only 10/8 is allowed', async (t) => {
  const g = await gatewayWith(t, [{ name: 'ip-restriction', configuration: { allow: ['10.0.0.0/8'] } }]);
  const r = await g.send();
  assert.equal(r.status, 403);
  assert.equal(g.seen.length, 0);
});

test('e2e: ip-restriction lets an allowed loopback client through', async (t) => {
  const g = await gatewayWith(t, [{ name: 'ip-restriction', configuration: { allow: ['127.0.0.0/8', '::1/128'] } }]);
  const r = await g.send();
  assert.equal(r.status, 200);
});

test('e2e: response-rewrite redacts a field of the upstream JSON body', async (t) => {
  const g = await gatewayWith(t, [{ name: 'response-rewrite', configuration: { rules: [{ path: 'secret', action: 'redact' }] } }]);
  const r = await g.send();
  assert.equal(r.status, 200);
  assert.deepEqual(JSON.parse(r.body), { ok: true, secret: '***' });
});
