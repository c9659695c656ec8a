import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FilterHarness } from '../../sdk/testing/index.js';

const WASM = 'filters/build/cors.wasm';
const CONFIG = {
  allow_origins: ['https://app.example.com'],
  allow_origin_patterns: ['https://*.example.org'],
  allow_methods: ['GET', 'POST', 'PUT'],
  allow_headers: ['content-type', 'x-token'],
  expose_headers: ['x-request-id'],
  allow_credentials: true,
  max_age: 600,
};

async function load(t: { after(fn: () => unknown): void }, configuration: Record<string, unknown> = CONFIG): Promise<FilterHarness> {
  const h = await FilterHarness.load({ file: WASM, configuration });
  t.after(() => h.close());
  return h;
}

function preflight(origin: string, method = 'PUT'): { method: string; headers: Record<string, string> } {
  return { method: 'OPTIONS', headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': 'x-token' } };
}

test('cors answers an allowed preflight locally with 204 and the policy', async (t) => {
  const h = await load(t);
  const r = await h.exchange(preflight('https://app.example.com'));
  assert.equal(r.status, 204);
  assert.equal(r.upstream, undefined);
  assert.equal(r.header('access-control-allow-origin'), 'https://app.example.com');
  assert.equal(r.header('access-control-allow-methods'), 'GET, POST, PUT');
  assert.equal(r.header('access-control-allow-headers'), 'content-type, x-token');
  assert.equal(r.header('access-control-allow-credentials'), 'true');
  assert.equal(r.header('access-control-max-age'), '600');
  assert.equal(await h.metric('preflight_allowed'), 1);
});

test('cors matches origin patterns', async (t) => {
  const h = await load(t);
  const r = await h.exchange(preflight('https://shop.example.org'));
  assert.equal(r.status, 204);
  assert.equal(r.header('access-control-allow-origin'), 'https://shop.example.org');
});

test('cors rejects a preflight from an unknown origin with 403', async (t) => {
  const h = await load(t);
  const r = await h.exchange(preflight('https://evil.example.net'));
  assert.equal(r.status, 403);
  assert.equal(r.header('access-control-allow-origin'), undefined);
});

test('cors rejects a preflight for a method not allowed', async (t) => {
  const h = await load(t);
  const r = await h.exchange(preflight('https://app.example.com', 'DELETE'));
  assert.equal(r.status, 403);
});

test('cors adds allow-origin, credentials and expose-headers to an allowed actual request', async (t) => {
  const h = await load(t);
  const r = await h.exchange({ headers: { origin: 'https://app.example.com' } });
  assert.ok(r.upstream);
  assert.equal(r.header('access-control-allow-origin'), 'https://app.example.com');
  assert.equal(r.header('access-control-allow-credentials'), 'true');
  assert.equal(r.header('access-control-expose-headers'), 'x-request-id');
  assert.equal(r.header('vary'), 'Origin');
});

test('cors leaves requests from disallowed origins without CORS headers', async (t) => {
  const h = await load(t);
  const r = await h.exchange({ headers: { origin: 'https://evil.example.net' } });
  assert.equal(r.status, 200);
  assert.equal(r.header('access-control-allow-origin'), undefined);
});

test('cors answers "*" for any origin without credentials, and echoes requested headers for allow_headers "*"', async (t) => {
  const h = await load(t, { allow_origins: ['*'], allow_headers: ['*'] });
  const r = await h.exchange(preflight('https://anyone.test', 'GET'));
  assert.equal(r.status, 204);
  assert.equal(r.header('access-control-allow-origin'), '*');
  assert.equal(r.header('access-control-allow-headers'), 'x-token');
});

test('cors without allow_methods refuses a preflight for a method outside the default list', async (t) => {
  const h = await load(t, { allow_origins: ['https://a.example'] });
  const trace = await h.exchange(preflight('https://a.example', 'TRACE'));
  assert.equal(trace.status, 403);
  assert.equal(trace.upstream, undefined);
  const patch = await h.exchange(preflight('https://a.example', 'PATCH'));
  assert.equal(patch.status, 204);
  assert.equal(patch.header('access-control-allow-methods'), 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS');
});

test('cors sends Vary: Origin on a response to a disallowed origin', async (t) => {
  const h = await load(t);
  const r = await h.exchange({ headers: { origin: 'https://evil.example.net' } });
  assert.equal(r.header('access-control-allow-origin'), undefined);
  assert.equal(r.header('vary'), 'Origin');
});

test('cors appends Origin to an upstream Vary once', async (t) => {
  const h = await load(t);
  const r = await h.exchange({ headers: { origin: 'https://app.example.com' }, upstream: { headers: { vary: 'Accept-Encoding' } } });
  assert.equal(r.header('vary'), 'Accept-Encoding, Origin');
});

test('cors passes a disallowed preflight upstream with Vary when reject_disallowed_preflight is false', async (t) => {
  const h = await load(t, { ...CONFIG, reject_disallowed_preflight: false });
  const r = await h.exchange(preflight('https://evil.example.net'));
  assert.ok(r.upstream);
  assert.equal(r.header('vary'), 'Origin');
});
