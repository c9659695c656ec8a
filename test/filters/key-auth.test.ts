import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { FilterHarness } from '../../sdk/testing/index.js';

const WASM = 'filters/build/key-auth.wasm';
const sha = (s: string): string => createHash('sha256').update(s).digest('hex');
const CONFIG = {
  keys: [
    { key: 'k-alice', consumer: 'alice' },
    { key_sha256: sha('k-bob'), consumer: 'bob' },
  ],
  query: 'apikey',
};

async function load(t: { after(fn: () => unknown): void }, configuration: Record<string, unknown> = CONFIG): Promise<FilterHarness> {
  const h = await FilterHarness.load({ file: WASM, configuration });
  t.after(() => h.close());
  return h;
}

test('key-auth rejects a request without a key with 401', async (t) => {
  const h = await load(t);
  const r = await h.exchange();
  assert.equal(r.status, 401);
  assert.equal(r.upstream, undefined);
  assert.match(r.header('www-authenticate') ?? '', /^Key/);
});

test('key-auth rejects an unknown key', async (t) => {
  const h = await load(t);
  const r = await h.exchange({ headers: { 'x-api-key': 'nope' } });
  assert.equal(r.status, 401);
});

test('key-auth forwards the consumer and hides the key', async (t) => {
  const h = await load(t);
  const r = await h.exchange({ headers: { 'x-api-key': 'k-alice' } });
  assert.equal(r.status, 200);
  assert.equal(r.upstream?.header('x-consumer'), 'alice');
  assert.equal(r.upstream?.header('x-api-key'), undefined);
});

test('key-auth counts allowed and denied requests', async (t) => {
  const h = await load(t);
  await h.exchange({ headers: { 'x-api-key': 'k-alice' } });
  await h.exchange({ headers: { 'x-api-key': 'nope' } });
  await h.exchange();
  assert.equal(await h.metric('allowed'), 1);
  assert.equal(await h.metric('denied'), 2);
});

test('key-auth accepts keys stored as sha256 digests', async (t) => {
  const h = await load(t);
  const r = await h.exchange({ headers: { 'x-api-key': 'k-bob' } });
  assert.equal(r.upstream?.header('x-consumer'), 'bob');
});

test('key-auth overwrites a consumer header sent by the client', async (t) => {
  const h = await load(t);
  const r = await h.exchange({ headers: { 'x-api-key': 'k-alice', 'x-consumer': 'admin' } });
  assert.deepEqual(r.upstream?.headers.getAll('x-consumer'), ['alice']);
});

test('key-auth reads the key from the query and strips it', async (t) => {
  const h = await load(t);
  const r = await h.exchange({ path: '/items?apikey=k-alice&page=2' });
  assert.equal(r.upstream?.header('x-consumer'), 'alice');
  assert.equal(r.upstream?.header(':path'), '/items?page=2');
});

test('key-auth refuses a configuration without keys', async () => {
  await assert.rejects(FilterHarness.load({ file: WASM, configuration: { keys: [] } }));
});
