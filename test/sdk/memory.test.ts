/**
 * Memory stays flat: every bundled HTTP filter serves a few thousand requests (allowed and
 * denied paths mixed) after a warm-up, and its VM's linear memory does not grow and no stream
 * context outlives its request. Configurations are the ones the filters' own tests use.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { FilterHarness, type RequestSpec } from '../../sdk/testing/index.js';

const WARM_UP = 400;
const MEASURED = 2000;
const BATCH = 10;
// Bounds the loop on a busy machine; the count, not the time, is what the test is about.
const MAX_MS_PER_FILTER = 1500;

const sha = (s: string): string => createHash('sha256').update(s).digest('hex');
const basic = (u: string, p: string): string => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;

function hs256(secret: string): string {
  const enc = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  const input = `${enc({ alg: 'HS256', typ: 'JWT' })}.${enc({ sub: 'alice', iss: 'https://issuer.test', aud: 'api', exp: Math.floor(Date.now() / 1000) + 3600 })}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

interface Case {
  name: string;
  rootId?: string;
  configuration?: Record<string, unknown>;
  /** Request `i`: alternates the filter's paths (pass, deny, rewrite…). */
  request(i: number): RequestSpec;
}

const SECRET = 'a-test-secret-of-reasonable-length';
const TOKEN = hs256(SECRET);
const DOC = JSON.stringify({ user: { name: 'alice', ssn: '123-45-6789' }, items: [{ id: 1, card: '4111' }] });

const CASES: Case[] = [
  {
    name: 'header-mutation', rootId: 'header-mutation',
    configuration: { request: { remove: ['x-internal'], set: [{ name: 'x-copy', value: 'user=%REQ(x-user)%' }], add: [{ name: 'x-tag', value: 'b' }] } },
    request: (i) => ({ headers: { 'x-internal': 'secret', 'x-user': `u${i % 7}` } }),
  },
  {
    name: 'cors',
    configuration: { allow_origins: ['https://app.example.com'], allow_methods: ['GET', 'PUT'], allow_headers: ['x-token'], max_age: 600 },
    request: (i): RequestSpec => i % 2
      ? { method: 'OPTIONS', headers: { origin: 'https://app.example.com', 'access-control-request-method': 'PUT' } }
      : { headers: { origin: i % 4 ? 'https://evil.example' : 'https://app.example.com' } },
  },
  {
    name: 'jwt-auth', rootId: 'jwt-auth',
    configuration: { issuer: 'https://issuer.test', audiences: ['api'], claims_to_headers: { sub: 'x-jwt-sub' }, keys: [{ kid: 'hs', secret: SECRET }] },
    request: (i) => ({ headers: i % 3 === 0 ? {} as Record<string, string> : { authorization: `Bearer ${i % 3 === 1 ? TOKEN : TOKEN.slice(0, -2) + 'xx'}` } }),
  },
  {
    name: 'key-auth',
    configuration: { keys: [{ key: 'k-alice', consumer: 'alice' }, { key_sha256: sha('k-bob'), consumer: 'bob' }], query: 'apikey' },
    request: (i) => (i % 3 === 0 ? { path: '/?apikey=k-bob' } : { headers: { 'x-api-key': i % 3 === 1 ? 'k-alice' : 'nope' } }),
  },
  {
    name: 'basic-auth',
    configuration: { realm: 'api', users: [{ username: 'alice', password_sha256: sha('wonderland') }] },
    request: (i) => ({ headers: { authorization: basic('alice', i % 2 ? 'wonderland' : 'wrong') } }),
  },
  {
    name: 'local-ratelimit',
    // Crosses from allowed to limited during the run, for a handful of client addresses.
    configuration: { key: 'client_ip', max_tokens: 300, fill_interval_ms: 3_600_000 },
    request: (i) => ({ remoteAddress: `10.0.0.${i % 5}` }),
  },
  { name: 'request-id', request: (i) => ({ headers: i % 2 ? { 'x-request-id': `id-${i}` } : {} as Record<string, string> }) },
  {
    name: 'fault-injection',
    configuration: { abort: { status: 503, percentage: 50, body: 'injected' } },
    request: () => ({}),
  },
  {
    name: 'ip-restriction',
    configuration: { allow: ['10.0.0.0/8', '2001:db8::/32'], deny: ['10.9.0.0/16'] },
    request: (i) => ({ remoteAddress: ['10.1.2.3', '10.9.1.1', '192.168.1.1', '2001:db8::1'][i % 4]! }),
  },
  {
    name: 'response-rewrite', rootId: 'response-rewrite',
    configuration: { rules: [{ path: 'user.ssn', action: 'redact' }, { path: 'items[*].card', action: 'remove' }] },
    request: (i) => ({ upstream: { headers: { 'content-type': i % 4 ? 'application/json' : 'text/plain' }, body: DOC } }),
  },
];

async function run(h: FilterHarness, c: Case, from: number, count: number, until: number): Promise<number> {
  let done = 0;
  while (done < count && Date.now() < until) {
    const batch: Promise<unknown>[] = [];
    for (let k = 0; k < BATCH && done < count; k++, done++) batch.push(h.exchange(c.request(from + done)));
    await Promise.all(batch);
  }
  return done;
}

for (const c of CASES) {
  test(`sdk memory: ${c.name} keeps VM memory flat and frees every stream context`, async (t) => {
    const h = await FilterHarness.load({
      file: `filters/build/${c.name}.wasm`,
      ...(c.rootId ? { rootId: c.rootId } : {}),
      ...(c.configuration ? { configuration: c.configuration } : {}),
    }, { logLevel: 'error' });
    t.after(() => h.close());
    const idle = h.liveContexts();
    await run(h, c, 0, WARM_UP, Number.POSITIVE_INFINITY);
    const before = h.memoryBytes();
    const served = await run(h, c, WARM_UP, MEASURED, Date.now() + MAX_MS_PER_FILTER);
    t.diagnostic(`${served} requests after warm-up, ${before} bytes of memory`);
    assert.ok(served >= MEASURED / 4, `only ${served} requests ran`);
    assert.equal(h.vmFailure(), undefined);
    assert.equal(h.memoryBytes(), before, `memory grew over ${served} requests`);
    assert.equal(h.liveContexts(), idle, 'stream contexts outlived their requests');
  });
}
