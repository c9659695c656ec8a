import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { normalizePath } from '../../host/http/path-normalize.js';
import { rawExchange, simpleConfig, startGateway, startUpstream } from '../gateway/harness.js';

test('normalizePath resolves dot segments and decodes unreserved escapes, leaving the query alone', () => {
  const cases: [string, string][] = [
    ['/plain/path?x=1', '/plain/path?x=1'],
    ['/api/../admin', '/admin'],
    ['/api/./v1/', '/api/v1/'],
    ['/../../etc/passwd', '/etc/passwd'],
    ['/a/b/..', '/a/'],
    ['/a/b/.', '/a/b/'],
    ['/api/%2e%2e/admin', '/admin'],
    ['/api/%2E%2E/admin?q=/../x', '/admin?q=/../x'],
    ['/%7euser/%41', '/~user/A'],
    ['/a%2fb/%zz', '/a%2Fb/%zz'],
    ['/.well-known/x', '/.well-known/x'],
    ['/a..b/...', '/a..b/...'],
    ['*', '*'],
  ];
  for (const [input, want] of cases) assert.equal(normalizePath(input), want, input);
  const same = '/nothing/to/do';
  assert.equal(normalizePath(same), same);
});

async function twoClusters(t: TestContext, listener: Record<string, unknown> = {}) {
  const api = await startUpstream(t, 'api');
  const other = await startUpstream(t, 'other');
  const cfg = simpleConfig([
    { match: { prefix: '/api/' }, route: { cluster: 'api' } },
    { match: { prefix: '/' }, route: { cluster: 'other' } },
  ], [{ name: 'api', endpoints: [{ address: api.address }] }, { name: 'other', endpoints: [{ address: other.address }] }], listener);
  const g = await startGateway(t, cfg);
  return { ...g, api, other };
}

test('a dot-segment path is routed and forwarded as the path it resolves to', async (t) => {
  const { port, api, other } = await twoClusters(t);
  for (const target of ['/api/../admin', '/api/%2e%2e/admin']) {
    const r = await rawExchange(port, `GET ${target} HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n`);
    assert.match(r.text, /^HTTP\/1\.1 200 /);
  }
  assert.equal(api.seen.length, 0);
  assert.deepEqual(other.seen.map((s) => s.url), ['/admin', '/admin']);
});

test('normalize_path: false routes and forwards the path as sent', async (t) => {
  const { port, api } = await twoClusters(t, { normalize_path: false });
  const r = await rawExchange(port, 'GET /api/../admin HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n');
  assert.match(r.text, /^HTTP\/1\.1 200 /);
  assert.deepEqual(api.seen.map((s) => s.url), ['/api/../admin']);
});

test('a filtered listener sees and forwards the normalized path', async (t) => {
  const up = await startUpstream(t, 'up');
  const cfg = simpleConfig([{ match: { prefix: '/' }, route: { cluster: 'up' } }], [{ name: 'up', endpoints: [{ address: up.address }] }], {
    http_filters: [{ name: 'rid', wasm: { file: new URL('../../../filters/build/request-id.wasm', import.meta.url).pathname, root_id: 'request-id' } }],
  });
  const { port } = await startGateway(t, cfg);
  const r = await rawExchange(port, 'GET /x/./y/../z HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n');
  assert.match(r.text, /^HTTP\/1\.1 200 /);
  assert.deepEqual(up.seen.map((s) => s.url), ['/x/z']);
});
