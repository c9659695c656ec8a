import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { FilterHarness } from '../../sdk/testing/index.js';

const WASM = 'filters/build/basic-auth.wasm';
const sha = (s: string): string => createHash('sha256').update(s).digest('hex');
const basic = (user: string, pass: string): string => 'Basic ' + Buffer.from(`${user}:${pass}`).toString('base64');
const CONFIG = {
  realm: 'api',
  users: [
    { username: 'alice', password_sha256: sha('wonderland') },
    { username: 'bob', password_sha256: sha('pa:ss wörd'), consumer: 'team-bob' },
  ],
};

async function load(t: { after(fn: () => unknown): void }): Promise<FilterHarness> {
  const h = await FilterHarness.load({ file: WASM, configuration: CONFIG });
  t.after(() => h.close());
  return h;
}

test('basic-auth challenges a request without credentials', async (t) => {
  const h = await load(t);
  const r = await h.exchange();
  assert.equal(r.status, 401);
  assert.equal(r.header('www-authenticate'), 'Basic realm="api", charset="UTF-8"');
  assert.equal(r.upstream, undefined);
});

test('basic-auth accepts a correct password, forwards the consumer and strips credentials', async (t) => {
  const h = await load(t);
  const r = await h.exchange({ headers: { authorization: basic('alice', 'wonderland') } });
  assert.equal(r.status, 200);
  assert.equal(r.upstream?.header('x-consumer'), 'alice');
  assert.equal(r.upstream?.header('authorization'), undefined);
  assert.equal(await h.metric('allowed'), 1);
});

test('basic-auth handles colons and non-ASCII in passwords and a custom consumer name', async (t) => {
  const h = await load(t);
  const r = await h.exchange({ headers: { authorization: basic('bob', 'pa:ss wörd') } });
  assert.equal(r.upstream?.header('x-consumer'), 'team-bob');
});

test('basic-auth rejects a wrong password', async (t) => {
  const h = await load(t);
  const r = await h.exchange({ headers: { authorization: basic('alice', 'nope') } });
  assert.equal(r.status, 401);
});

test('basic-auth rejects an unknown user', async (t) => {
  const h = await load(t);
  const r = await h.exchange({ headers: { authorization: basic('mallory', 'wonderland') } });
  assert.equal(r.status, 401);
});

test('basic-auth rejects malformed credentials', async (t) => {
  const h = await load(t);
  const r = await h.exchange({ headers: { authorization: 'Basic %%%' } });
  assert.equal(r.status, 401);
});

test('basic-auth refuses a password that is not a sha256 hex digest', async () => {
  await assert.rejects(FilterHarness.load({ file: WASM, configuration: { users: [{ username: 'a', password_sha256: 'plain' }] } }));
});
