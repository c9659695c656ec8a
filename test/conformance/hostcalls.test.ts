/**
 * Conformance over HTTP: the happy path of the header-map, buffer-configuration, property, log,
 * time and WASI host functions, through a real gateway. Each test has its own route whose
 * per-route configuration is the script; what the script logs, what the upstream received and
 * what the client got are the evidence.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import { after, test } from 'node:test';
import { startConformance, tagged, until, type RouteSpec } from './harness.js';

// sluice.crypto.verify arguments (alg, JWK, data, ES256 signature), hex-encoded for the script.
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const DATA = Buffer.from('signed-data');
const SIG = sign('sha256', DATA, { key: privateKey, dsaEncoding: 'ieee-p1363' });
const hex = (b: Buffer | string) => Buffer.from(b).toString('hex');
const VERIFY = ['ES256', JSON.stringify(publicKey.export({ format: 'jwk' }))].map(hex);

const SCRIPTS: Record<string, string[]> = {
  headers: ['req_headers get 0 :path', 'req_headers get 0 x-in', 'req_headers get 0 x-none', 'req_headers add 0 X-Added a',
    'req_headers add 0 x-added b', 'req_headers set 0 x-in replaced', 'req_headers del 0 x-gone',
    'resp_headers get 2 x-upstream', 'resp_headers set 2 x-upstream replaced', 'resp_headers add 2 x-resp added', 'resp_headers del 2 content-type'],
  pairs: ['req_headers pairs 0', 'req_headers size 0', 'req_headers setpairs 0 :method POST :path /pairs/new :authority h x-only 1',
    'resp_headers pairs 2', 'resp_headers setpairs 2 :status 202 x-resp-only 1'],
  rootmaps: ['configure get 0 :path', 'configure pairs 0', 'configure cont 0', 'configure reply 403 no'],
  config: ['configure body 7 0 9', 'configure bstatus 7', 'req_headers body 6 0 100', 'req_headers body 7 0 10'],
  props: ['req_headers prop plugin_name', 'req_headers prop plugin_root_id', 'req_headers prop plugin_vm_id',
    'req_headers prop request.path', 'req_headers prop request.url_path', 'req_headers prop request.method',
    'req_headers prop request.scheme', 'req_headers prop request.protocol', 'req_headers prop request.headers.x-h',
    'req_headers prop listener_name', 'req_headers prop nope.nothing', 'req_headers setprop my.key val', 'req_headers prop my.key',
    'resp_headers propint response.code', 'resp_headers prop2hdr request.host 2 x-host', 'resp_headers prop2hdr source.address 2 x-source'],
  clock: ['req_headers level', 'req_headers time'],
  logline: ['req_headers log hello there'],
  wasi: ['req_headers stdout printed-by-wasi', 'req_headers environ', 'req_headers random'],
  wasi2: ['req_headers wasi'],
  context: ['req_headers effective 999', 'req_headers effective 1', 'req_headers done'],
  reqtrailers: ['req_trailers get 1 x-rt', 'req_trailers add 1 x-t added', 'req_trailers pairs 1', 'req_body body 0 0 100'],
  bodies: ['req_body bstatus 0', 'req_body body 0 0 100', 'req_body body 0 1 2', 'req_body body 0 50 10',
    'resp_body bstatus 1', 'resp_body body 1 0 100', 'resp_body body 1 3 4'],
  foreign: [`req_headers foreign sluice.crypto.verify ${[...VERIFY, hex(DATA), hex(SIG)].join(' ')}`,
    `req_headers foreign sluice.crypto.verify ${[...VERIFY, hex('other-data'), hex(SIG)].join(' ')}`,
    `req_headers foreign sluice.crypto.verify ${hex('ES256')}`, 'req_headers foreign no.such.function'],
  resptrailers: ['resp_trailers get 3 x-st', 'resp_trailers add 3 x-added-trailer yes', 'resp_trailers set 3 x-st replaced'],
};

const routes: RouteSpec[] = Object.entries(SCRIPTS).map(([k, lines]) => ({ prefix: `/${k}/`, filters: { hc: tagged(k, ...lines) } }));
const CONFIG_TEXT = SCRIPTS.config!.join('\n');

const ready = startConformance([{
  name: 'h',
  filters: [{ name: 'hc', script: tagged('default'), wasm: {
    root_id: 'rid', vm_id: 'vmid', vm_configuration: { a: 1 }, environment_variables: { A: 'b', LONGER: 'xyz' },
  } }],
  routes,
}]);
after(async () => (await ready).stop());

test('hostcalls/http: get, add, replace and remove headers of request and response', async () => {
  const c = await ready;
  const r = await c.send('h', { path: '/headers/x?q=1', headers: { 'x-in': 'v', 'x-gone': ['1', '2'] } });
  assert.equal(r.status, 200);
  assert.deepEqual(c.wasm('headers'), ['get :path=/headers/x?q=1 s=0', 'get x-in=v s=0', 'get x-none= s=1', 'add s=0', 'add s=0',
    'set s=0', 'del s=0', 'get x-upstream=up s=0', 'set s=0', 'add s=0', 'del s=0']);
  const seen = c.upstream.seenAt('/headers/')[0]!;
  assert.equal(seen.headers['x-added'], 'a, b');
  assert.equal(seen.headers['x-in'], 'replaced');
  assert.equal(seen.headers['x-gone'], undefined);
  assert.equal(r.headers['x-upstream'], 'replaced');
  assert.equal(r.headers['x-resp'], 'added');
  assert.equal(r.headers['content-type'], undefined);
  assert.equal(r.body, 'ok from up');
});

test('hostcalls/http: header map pairs, size (Σ name+value) and set_header_map_pairs both ways', async () => {
  const c = await ready;
  const port = c.port('h');
  const r = await c.send('h', { path: '/pairs/x' });
  const out = c.wasm('pairs');
  assert.ok(out[0]!.startsWith(`pairs :method=GET,:path=/pairs/x,:authority=127.0.0.1:${port},:scheme=http,`), out[0]);
  const pairs = out[0]!.slice('pairs '.length, -' s=0'.length).split(',');
  const bytes = pairs.reduce((n, p) => n + p.length - 1, 0);
  assert.equal(out[1], `size ${bytes} s=0`);
  assert.equal(out[2], 'setpairs s=0');
  const seen = c.upstream.seenAt('/pairs/new')[0]!;
  assert.equal(seen.method, 'POST');
  assert.equal(seen.headers.host, 'h');
  assert.equal(seen.headers['x-only'], '1');
  assert.equal(seen.headers['x-forwarded-for'], undefined); // the whole map was replaced
  assert.match(out[3]!, /^pairs :status=200,.*x-upstream=up.* s=0$/);
  assert.equal(r.status, 202);
  assert.equal(r.headers['x-resp-only'], '1');
  assert.equal(r.headers['x-upstream'], undefined);
});

test('hostcalls/http: stream maps and stream control are unavailable from the root context (configure)', async () => {
  const c = await ready;
  const r = await c.send('h', { path: '/rootmaps/' });
  assert.equal(r.status, 200);
  assert.deepEqual(c.wasm('rootmaps'), ['get :path= s=2', 'pairs  s=0', 'cont s=2', 'reply s=2']);
});

test('hostcalls/http: plugin configuration readable in configure only, VM configuration later too', async () => {
  const c = await ready;
  await c.send('h', { path: '/config/' });
  const tagLine = 'tag config\n';
  assert.deepEqual(c.wasm('config'), ['body tag confi s=0', `bstatus ${Buffer.byteLength(tagLine + CONFIG_TEXT)} s=0`, 'body {"a":1} s=0', 'body  s=1']);
});

test('hostcalls/http: plugin, request, listener and response properties; set_property reads back', async () => {
  const c = await ready;
  const r = await c.send('h', { path: '/props/p?q=1', headers: { 'x-h': ['a', 'b'] } });
  assert.deepEqual(c.wasm('props'), [
    'prop plugin_name=hc s=0', 'prop plugin_root_id=rid s=0', 'prop plugin_vm_id=vmid s=0',
    'prop request.path=/props/p?q=1 s=0', 'prop request.url_path=/props/p s=0', 'prop request.method=GET s=0',
    'prop request.scheme=http s=0', 'prop request.protocol=HTTP/1.1 s=0', 'prop request.headers.x-h=a,b s=0',
    'prop listener_name=h s=0', 'prop nope.nothing= s=1', 'setprop s=0', 'prop my.key=val s=0', 'prop response.code=200 s=0',
  ]);
  assert.equal(r.headers['x-host'], `127.0.0.1:${c.port('h')}`);
  assert.match(String(r.headers['x-source']), /^127\.0\.0\.1:\d+$/);
});

test('hostcalls/http: log level follows the gateway logger; proxy time and WASI clock are wall-clock ns', async () => {
  const c = await ready;
  await c.send('h', { path: '/clock/' });
  assert.deepEqual(c.wasm('clock'), ['level 1 s=0', 'time ok wasi=ok s=0,0']);
});

test('hostcalls/http: proxy_log reaches the gateway log prefixed with the filter name, with a filter field', async () => {
  const c = await ready;
  await c.send('h', { path: '/logline/' });
  const line = c.lines.find((l) => l.msg.endsWith('[logline] hello there'))!;
  assert.equal(line.msg, 'wasm log hc: [logline] hello there');
  assert.equal(line.filter, 'hc');
  assert.equal(line.level, 'info');
});

test('hostcalls/http: WASI stdout goes to the log; environ holds only configured variables; random_get', async () => {
  const c = await ready;
  await c.send('h', { path: '/wasi/' });
  assert.ok(c.lines.some((l) => l.msg === 'wasm stdout hc: printed-by-wasi')); // fd_write: untagged, newline stripped
  assert.deepEqual(c.wasm('wasi'), ['stdout s=0', `environ 2 ${'A=b\0LONGER=xyz\0'.length} s=0`, 'random s=0 big=28']);
});

test('hostcalls/http: WASI environ_get, args, clock_res_get, poll_oneoff, fd_fdstat_get and sched_yield answer as proxy-wasm-cpp-host', async () => {
  const c = await ready;
  await c.send('h', { path: '/wasi2/' });
  // environ: the configured variables; args: none; clock resolution 1 ns for realtime/monotonic, NOTSUP (58)
  // for others; poll_oneoff: no events; fdstat: FD_WRITE rights on stdout, BADF (8) elsewhere; sched_yield: 0
  assert.deepEqual(c.wasm('wasi2'), ['wasi environ=0:A=b;LONGER=xyz args=0:0:0:0 res=0:1:0:58 poll=0:0 fdstat=0:64:8 yield=0']);
});

test('hostcalls/http: set_effective_context to an unknown id is BadArgument; proxy_done without pending root is NotFound', async () => {
  const c = await ready;
  await c.send('h', { path: '/context/' });
  assert.deepEqual(c.wasm('context'), ['effective s=2', 'effective s=0', 'done s=1']);
});

test('hostcalls/http: request trailers (chunked) are readable and writable in on_request_trailers', async () => {
  const c = await ready;
  const r = await c.send('h', { path: '/reqtrailers/', chunks: ['ab', 'cd'], trailers: { 'x-rt': '1' } });
  assert.equal(r.status, 200);
  const out = c.wasm('reqtrailers');
  assert.deepEqual(out.filter((l) => !l.startsWith('body')), ['get x-rt=1 s=0', 'add s=0', 'pairs x-rt=1,x-t=added s=0']);
  assert.equal(out.filter((l) => l.startsWith('body')).map((l) => l.slice(5, -4)).join(''), 'abcd');
  // The upstream gets the body; undici sends no request trailers over HTTP/1.1.
  assert.equal(c.upstream.seenAt('/reqtrailers/')[0]!.body, 'abcd');
});

test('hostcalls/http: response trailers are readable and writable in on_response_trailers', async () => {
  const c = await ready;
  const r = await c.send('h', { path: '/resptrailers/', headers: { 'x-up-trailer': 'x-st=1', 'x-up-chunks': 'a,b', te: 'trailers' } });
  assert.equal(r.status, 200);
  assert.equal(r.body, 'ab');
  await until(() => c.wasm('resptrailers').length === 3, 'trailer callbacks');
  assert.deepEqual(c.wasm('resptrailers'), ['get x-st=1 s=0', 'add s=0', 'set s=0']);
  assert.equal(r.trailers['x-st'], 'replaced');
  assert.equal(r.trailers['x-added-trailer'], 'yes');
});

test('hostcalls/http: request and response body buffers: status, whole and partial reads (clamped to the chunk)', async () => {
  const c = await ready;
  const r = await c.send('h', { path: '/bodies/', chunks: ['abcdef'], headers: { 'content-length': '6', 'x-up-chunks': 'ok from up' } });
  assert.equal(r.body, 'ok from up');
  const out = c.wasm('bodies');
  // the data chunk first (the empty end-of-stream call follows with size 0)
  assert.deepEqual(out.slice(0, 4), ['bstatus 6 s=0', 'body abcdef s=0', 'body bc s=0', 'body  s=0']);
  const resp = out.slice(out.indexOf('bstatus 10 s=0'));
  assert.deepEqual(resp.slice(0, 3), ['bstatus 10 s=0', 'body ok from up s=0', 'body from s=0']);
});

test('hostcalls/http: proxy_call_foreign_function: sluice.crypto.verify valid / invalid / malformed, unknown name', async () => {
  const c = await ready;
  assert.equal((await c.send('h', { path: '/foreign/' })).status, 200);
  assert.deepEqual(c.wasm('foreign'), ['foreign 01 s=0', 'foreign 00 s=0', 'foreign  s=2', 'foreign  s=1']);
});
