/**
 * SDK behaviour seen through a real host: the sdk-probe example module exercises one SDK
 * feature per request (x-op) and answers with the result.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { FilterHarness } from '../../sdk/testing/index.js';

const WASM = 'examples/sdk-probe/build/sdk-probe.wasm';

async function probe(t: { after(fn: () => unknown): void }, configuration = 'cfg'): Promise<FilterHarness> {
  const h = await FilterHarness.load({ file: WASM, rootId: 'sdk-probe', configuration });
  t.after(() => h.close());
  return h;
}

const ask = (h: FilterHarness, op: string, arg = '') => h.exchange({ headers: { 'x-op': op, 'x-arg': arg } });

test('sdk: the plugin configuration reaches onConfigure as text', async (t) => {
  const h = await probe(t, 'plain text ✓');
  assert.equal((await ask(h, 'config')).text, 'plain text ✓');
});

test('sdk: onConfigure returning false refuses the filter', async () => {
  await assert.rejects(FilterHarness.load({ file: WASM, configuration: 'reject' }), /proxy_on_configure/);
});

test('sdk: sha256 and hmac-sha256 match node:crypto', async (t) => {
  const h = await probe(t);
  for (const input of ['', 'abc', 'x'.repeat(55), 'y'.repeat(56), 'z'.repeat(64), 'é✓'.repeat(100)]) {
    assert.equal((await ask(h, 'sha256', encodeURIComponent(input))).text, createHash('sha256').update(encodeURIComponent(input)).digest('hex'));
  }
  assert.equal((await ask(h, 'hmac', 'message')).text, createHmac('sha256', 'key').update('message').digest('hex'));
});

test('sdk: base64 and base64url encode like node and round-trip', async (t) => {
  const h = await probe(t);
  for (const s of ['', 'f', 'fo', 'foo', 'foob', 'hello world??>>']) {
    const b = Buffer.from(s);
    assert.equal((await ask(h, 'b64', s)).text, `${b.toString('base64')} ${b.toString('base64url')} ${s}`);
  }
});

test('sdk: the JSON reader round-trips valid documents and refuses invalid ones', async (t) => {
  const h = await probe(t);
  const doc = '{"a":[1,2.5,-3e2,true,false,null],"b":{"c":"q\\"uote\\\\ \\u00e9 \\ud83d\\ude00"},"d":""}';
  assert.deepEqual(JSON.parse((await ask(h, 'json', doc)).text), JSON.parse(doc));
  for (const bad of ['{', '{"a":}', '[1,]', 'tru', '"\\x"', '{"a":1} x', '']) {
    assert.equal((await ask(h, 'json', bad)).text, 'invalid', bad);
  }
});

test('sdk: properties read strings and integers, miss as null, and set/get round-trips', async (t) => {
  const h = await probe(t);
  const r = await h.exchange({ path: '/p?q=1', method: 'POST', remotePort: 51234, headers: { 'x-op': 'props' } });
  assert.equal(r.text, '/p?q=1|POST|sdk-probe|51234|false|<null>|stored');
});

test('sdk: header add keeps duplicates, getAll returns them in order, remove of absent is fine', async (t) => {
  const h = await probe(t);
  assert.equal((await ask(h, 'headers')).text, 'one,two|absent');
});

test('sdk: randomBytes comes from the host', async (t) => {
  const h = await probe(t);
  const a = (await ask(h, 'random')).text;
  const b = (await ask(h, 'random')).text;
  assert.match(a, /^[0-9a-f]{32}$/);
  assert.notEqual(a, b);
});

test('sdk: Math.random works (seeded through the host, no env.seed import)', async (t) => {
  const h = await probe(t);
  assert.equal((await ask(h, 'math')).text, 'ok');
});

test('sdk: gauges and histograms reach the host metrics', async (t) => {
  const h = await probe(t);
  assert.equal((await ask(h, 'metrics')).text, '42');
  assert.equal(await h.metric('probe_gauge'), 42);
  assert.equal(await h.metric('probe_histogram'), 1);
});

test('sdk: log lines reach the host logger with their level', async (t) => {
  const h = await probe(t);
  await ask(h, 'log', 'hi');
  assert.ok(h.logs.some((l) => l.level === 'warn' && l.message === 'probe says hi'));
});

test('sdk: abort() ends the VM through proc_exit and the stream fails closed', async (t) => {
  const h = await probe(t);
  const r = await ask(h, 'abort');
  assert.equal(r.status, 503);
  assert.match(h.vmFailure() ?? '', /proc_exit/);
  assert.ok(h.logs.some((l) => l.level === 'critical' && l.message.includes('probe abort')));
});

test('sdk: throw and out-of-bounds access are aborts too', async (t) => {
  for (const op of ['throw', 'oob']) {
    const h = await probe(t);
    assert.equal((await ask(h, op)).status, 503);
    assert.match(h.vmFailure() ?? '', /proc_exit/);
  }
});

test('sdk: the module imports nothing beyond env.proxy_* and WASI (loads in Envoy)', async () => {
  const { readFileSync, readdirSync } = await import('node:fs');
  const files = readdirSync('filters/build').map((f) => `filters/build/${f}`).concat(WASM);
  for (const f of files) {
    const mod = new WebAssembly.Module(readFileSync(f));
    for (const i of WebAssembly.Module.imports(mod)) {
      const ok = (i.module === 'env' && i.name.startsWith('proxy_')) || i.module === 'wasi_snapshot_preview1';
      assert.ok(ok, `${f} imports ${i.module}.${i.name}`);
    }
    assert.ok(WebAssembly.Module.exports(mod).some((e) => e.name === 'proxy_abi_version_0_2_1'), f);
  }
});
