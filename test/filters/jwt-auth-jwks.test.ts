// jwt-auth (filters/jwt-auth): an inline JWKS with an `oct` (HS256) key, and dotted claim paths
// in claims_to_headers.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { FilterHarness } from '../../sdk/testing/index.js';

const WASM = 'filters/build/jwt-auth.wasm';
const SECRET = 'jwks-oct-secret-of-reasonable-length';
const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');

function hs256(header: Record<string, unknown>, claims: Record<string, unknown>, secret = SECRET): string {
  const input = `${b64(header)}.${b64(claims)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

const exp = (): number => Math.floor(Date.now() / 1000) + 300;
const JWKS = { keys: [{ kty: 'oct', kid: 'o1', use: 'sig', k: Buffer.from(SECRET).toString('base64url') }] };

async function load(t: TestContext, configuration: Record<string, unknown>): Promise<FilterHarness> {
  const h = await FilterHarness.load({ file: WASM, rootId: 'jwt-auth', configuration });
  t.after(() => h.close());
  return h;
}

const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

test('jwt-auth accepts an HS256 token verified with a JWKS oct key', async (t) => {
  const h = await load(t, { jwks: JWKS, claims_to_headers: { sub: 'x-sub' } });
  const r = await h.exchange({ headers: bearer(hs256({ alg: 'HS256', kid: 'o1' }, { sub: 'alice', exp: exp() })) });
  assert.equal(r.status, 200);
  assert.equal(r.upstream?.header('x-sub'), 'alice');
});

test('jwt-auth rejects a token signed with another secret than the JWKS oct key', async (t) => {
  const h = await load(t, { jwks: JWKS });
  const r = await h.exchange({ headers: bearer(hs256({ alg: 'HS256', kid: 'o1' }, { sub: 'alice', exp: exp() }, 'other-secret')) });
  assert.equal(r.status, 401);
  assert.equal(r.upstream, undefined);
});

test('jwt-auth accepts a JWKS given as JSON text', async (t) => {
  const h = await load(t, { jwks: JSON.stringify(JWKS) });
  const r = await h.exchange({ headers: bearer(hs256({ alg: 'HS256', kid: 'o1' }, { sub: 'alice', exp: exp() })) });
  assert.equal(r.status, 200);
});

test('jwt-auth forwards nested claims by dotted path (lists comma-joined, objects as JSON)', async (t) => {
  const h = await load(t, {
    jwks: JWKS,
    claims_to_headers: { 'realm_access.roles': 'x-roles', 'org.meta': 'x-org-meta', 'org.missing': 'x-none' },
  });
  const claims = { sub: 'u', exp: exp(), realm_access: { roles: ['admin', 'dev'] }, org: { meta: { id: 7 } } };
  const r = await h.exchange({ headers: { ...bearer(hs256({ alg: 'HS256', kid: 'o1' }, claims)), 'x-none': 'forged' } });
  assert.equal(r.status, 200);
  assert.equal(r.upstream?.header('x-roles'), 'admin,dev');
  assert.equal(r.upstream?.header('x-org-meta'), '{"id":7}');
  assert.equal(r.upstream?.header('x-none'), undefined);
});

test('jwt-auth prefers a top-level claim whose name contains a dot', async (t) => {
  const h = await load(t, { jwks: JWKS, claims_to_headers: { 'a.b': 'x-ab' } });
  const claims = { exp: exp(), 'a.b': 'flat', a: { b: 'nested' } };
  const r = await h.exchange({ headers: bearer(hs256({ alg: 'HS256', kid: 'o1' }, claims)) });
  assert.equal(r.upstream?.header('x-ab'), 'flat');
});

test('jwt-auth accepts an exp far in the future (no integer overflow)', async (t) => {
  const h = await load(t, { jwks: JWKS });
  const r = await h.exchange({ headers: bearer(hs256({ alg: 'HS256', kid: 'o1' }, { sub: 'u', exp: 1e300 })) });
  assert.equal(r.status, 200);
});
