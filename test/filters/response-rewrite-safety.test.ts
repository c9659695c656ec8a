// response-rewrite (filters/response-rewrite): no path lets a body that should be redacted reach
// the client in clear: duplicate keys, trailers, unparsable or too deep bodies (on_parse_error).
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { FilterHarness } from '../../sdk/testing/index.js';

const WASM = 'filters/build/response-rewrite.wasm';
const JSON_CT = { 'content-type': 'application/json' };
const REDACT_SSN = [{ path: 'ssn', action: 'redact' }];

async function load(t: TestContext, configuration: Record<string, unknown>): Promise<FilterHarness> {
  const h = await FilterHarness.load({ file: WASM, rootId: 'response-rewrite', configuration });
  t.after(() => h.close());
  return h;
}

test('response-rewrite redacts every duplicate of a key', async (t) => {
  const h = await load(t, { rules: REDACT_SSN });
  const r = await h.exchange({ upstream: { headers: JSON_CT, body: '{"ssn":"111","ssn":"222"}' } });
  assert.equal(r.text, '{"ssn":"***","ssn":"***"}');
});

test('response-rewrite removes every duplicate of a key', async (t) => {
  const h = await load(t, { rules: [{ path: 'a.ssn', action: 'remove' }] });
  const r = await h.exchange({ upstream: { headers: JSON_CT, body: '{"a":{"ssn":1,"x":2,"ssn":3}}' } });
  assert.equal(r.text, '{"a":{"x":2}}');
});

test('response-rewrite rewrites a body that ends in trailers, and keeps the trailers', async (t) => {
  const h = await load(t, { rules: REDACT_SSN });
  const r = await h.exchange({ upstream: { headers: JSON_CT, body: ['{"ssn":', '"111"}'], trailers: { 'x-checksum': 'abc' } } });
  assert.equal(r.text, '{"ssn":"***"}');
  assert.equal(r.trailers?.get('x-checksum'), 'abc');
});

test('response-rewrite answers 502 for a body that is not valid JSON (default with redact rules)', async (t) => {
  const h = await load(t, { rules: REDACT_SSN });
  const r = await h.exchange({ upstream: { headers: JSON_CT, body: '{"ssn":"111", oops}' } });
  assert.equal(r.status, 502);
  assert.equal(r.text, 'Bad Gateway');
  assert.equal(r.details, 'response_rewrite_unparsable_body');
});

test('response-rewrite answers 502 for a body nested deeper than the parser allows', async (t) => {
  const h = await load(t, { rules: REDACT_SSN });
  const deep = '['.repeat(200) + ']'.repeat(200);
  const r = await h.exchange({ upstream: { headers: JSON_CT, body: `{"ssn":"111","d":${deep}}` } });
  assert.equal(r.status, 502);
  assert.ok(!r.text.includes('111'));
});

test('response-rewrite resets an unparsable body whose headers already left (trailers, no length)', async (t) => {
  const h = await load(t, { rules: REDACT_SSN });
  const r = await h.exchange({ upstream: { headers: JSON_CT, body: '{"ssn":"111",', trailers: { 'x-t': '1' } } });
  assert.ok(r.reset !== undefined);
  assert.ok(!r.text.includes('111'));
});

test('response-rewrite on_parse_error: pass lets an unparsable body through unchanged', async (t) => {
  const h = await load(t, { on_parse_error: 'pass', rules: REDACT_SSN });
  const r = await h.exchange({ upstream: { headers: JSON_CT, body: '{"ssn": 1' } });
  assert.equal(r.status, 200);
  assert.equal(r.text, '{"ssn": 1');
});

test('response-rewrite with only set rules passes unparsable bodies by default', async (t) => {
  const h = await load(t, { rules: [{ path: 'meta', action: 'set', value: 1 }] });
  const r = await h.exchange({ upstream: { headers: JSON_CT, body: 'not json' } });
  assert.equal(r.status, 200);
  assert.equal(r.text, 'not json');
});

test('response-rewrite refuses an unknown on_parse_error', async () => {
  await assert.rejects(FilterHarness.load({ file: WASM, configuration: { on_parse_error: 'maybe', rules: REDACT_SSN } }),
    /on_parse_error/);
});
