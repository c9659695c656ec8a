import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chain, load, oneRequest, RecordingSink, reqHeaders, until } from './harness.js';

test('hostcalls: get, add, replace, remove request headers', async () => {
  const { out, sink } = await oneRequest([
    'req_headers get 0 :path', 'req_headers get 0 x-in', 'req_headers get 0 x-none',
    'req_headers add 0 X-Added a', 'req_headers add 0 x-added b', 'req_headers set 0 x-in replaced', 'req_headers del 0 x-gone',
  ].join('\n'), {}, ['x-in', 'v', 'x-gone', '1', 'x-gone', '2']);
  assert.deepEqual(out, ['get :path=/p?q=1 s=0', 'get x-in=v s=0', 'get x-none= s=1', 'add s=0', 'add s=0', 'set s=0', 'del s=0']);
  const h = sink.requestHeaders!;
  assert.deepEqual(h.getAll('x-added'), ['a', 'b']);
  assert.equal(h.get('x-in'), 'replaced');
  assert.equal(h.has('x-gone'), false);
});

test('hostcalls: header map pairs, size, and set_header_map_pairs', async () => {
  const { out, sink } = await oneRequest([
    'req_headers pairs 0', 'req_headers size 0', 'req_headers setpairs 0 :method POST :path /new :authority h x-only 1',
    'resp_headers pairs 2',
  ].join('\n'));
  assert.equal(out[0], 'pairs :method=GET,:path=/p?q=1,:authority=example.com,:scheme=http s=0');
  // Envoy's byteSize: sum of name and value lengths.
  assert.equal(out[1], `size ${':methodGET:path/p?q=1:authorityexample.com:schemehttp'.length} s=0`);
  assert.equal(out[2], 'setpairs s=0');
  assert.deepEqual([...sink.requestHeaders!.entries()], [[':method', 'POST'], [':path', '/new'], [':authority', 'h'], ['x-only', '1']]);
  assert.equal(out[3], 'pairs :status=200,x-up=u s=0');
});

test('hostcalls: header map size counts latin1 bytes (one per char), not UTF-8', async () => {
  const { out } = await oneRequest('req_headers size 0', {}, ['x-l', '\u00e9\u00ff']);
  assert.equal(out[0], `size ${':methodGET:path/p?q=1:authorityexample.com:schemehttpx-l'.length + 2} s=0`);
});

test('hostcalls: a tick period above 2^31-1 ms is clamped, not turned into 1 ms by Node', async () => {
  const { logs, plugin } = await oneRequest('trace\nreq_headers tickset 4294967295');
  await new Promise((r) => setTimeout(r, 30)); // at 1 ms, ticks would have come by now
  assert.ok(logs.wasm().includes('tickset s=0'));
  assert.equal(logs.wasm().filter((l) => l.startsWith('cb tick')).length, 0);
  plugin.close();
});

test('hostcalls: bad enum values return BadArgument', async () => {
  const { out } = await oneRequest('req_headers err_enum');
  // log level 9, map 99, map 8, map -1, buffer 9, buffer 42, continue 7, close 7, metric 5
  assert.deepEqual(out, ['err_enum 2,2,2,2,2,2,2,2,2']);
});

test('hostcalls: out-of-bounds pointers return InvalidMemoryAccess', async () => {
  const { out } = await oneRequest('req_headers err_ptr');
  assert.deepEqual(out, ['err_ptr 6,6,6,6,6,6,6']);
});

test('hostcalls: unavailable maps and buffers answer with Envoy statuses', async () => {
  const { out } = await oneRequest('req_headers err_unavail');
  // trailers get → 2; http_call map pairs → OK+empty; add http_call trailers → 2;
  // http_call body → 1; plugin config outside configure → 1; write VM config → 2; grpc → 12
  assert.deepEqual(out, ['err_unavail 2,0,2,1,1,2,12']);
});

test('hostcalls: maps of a stream are unavailable from the root context', async () => {
  const { plugin, logs } = await load('configure get 0 :path\nconfigure pairs 0\nconfigure cont 0\nconfigure reply 403 no');
  assert.ok(plugin);
  assert.deepEqual(logs.wasm(), ['get :path= s=2', 'pairs  s=0', 'cont s=2', 'reply s=2']);
});

test('hostcalls: plugin configuration is readable in configure, VM configuration in vm_start and later', async () => {
  const { out } = await oneRequest('configure body 7 0 9\nconfigure bstatus 7\nreq_headers body 6 0 100\nreq_headers body 7 0 10',
    { vm_configuration: { a: 1 } });
  assert.deepEqual(out, ['body configure s=0', `bstatus ${Buffer.byteLength('configure body 7 0 9\nconfigure bstatus 7\nreq_headers body 6 0 100\nreq_headers body 7 0 10')} s=0`,
    'body {"a":1} s=0', 'body  s=1']);
});

test('hostcalls: properties of the plugin and the request, with Envoy encodings', async () => {
  const { out } = await oneRequest([
    'req_headers prop plugin_name', 'req_headers prop plugin_root_id', 'req_headers prop plugin_vm_id',
    'req_headers prop request.path', 'req_headers prop request.url_path', 'req_headers prop request.method',
    'req_headers prop request.host', 'req_headers prop request.scheme', 'req_headers prop request.protocol',
    'req_headers prop request.headers.x-h', 'req_headers prop listener_name', 'req_headers prop nope.nothing',
    'resp_headers propint response.code', 'req_headers propint source.port',
    'req_headers setprop my.key val', 'req_headers prop my.key',
  ].join('\n'), { name: 'props', root_id: 'rid', vm_id: 'vmid' }, ['x-h', 'a', 'x-h', 'b']);
  assert.deepEqual(out, [
    'prop plugin_name=props s=0', 'prop plugin_root_id=rid s=0', 'prop plugin_vm_id=vmid s=0',
    'prop request.path=/p?q=1 s=0', 'prop request.url_path=/p s=0', 'prop request.method=GET s=0',
    'prop request.host=example.com s=0', 'prop request.scheme=http s=0', 'prop request.protocol=HTTP/1.1 s=0',
    'prop request.headers.x-h=a,b s=0', 'prop listener_name=l1 s=0', 'prop nope.nothing= s=1',
    'setprop s=0', 'prop my.key=val s=0', 'prop source.port=0 s=0', 'prop response.code=200 s=0',
  ].sort((a, b) => out.indexOf(a) - out.indexOf(b)));
});

test('hostcalls: log level, time and WASI clock', async () => {
  const { out } = await oneRequest('req_headers level\nreq_headers time');
  assert.deepEqual(out, ['level 1 s=0', 'time ok wasi=ok s=0,0']);
});

test('hostcalls: proxy_log writes to the gateway log prefixed with the filter name', async () => {
  const { logs } = await oneRequest('req_headers log hello there', { name: 'greeter' });
  const line = logs.lines.find((l) => l.msg.includes('hello there'))!;
  assert.equal(line.msg, 'wasm log greeter: hello there');
  assert.equal(line.filter, 'greeter');
});

test('hostcalls: WASI stdout goes to the log; environ holds only configured variables; random_get', async () => {
  const { out, logs } = await oneRequest('req_headers stdout printed\nreq_headers environ\nreq_headers random',
    { environment_variables: { A: 'b', LONGER: 'xyz' } });
  assert.ok(logs.lines.some((l) => l.msg.endsWith(': printed')));
  assert.deepEqual(out, ['stdout s=0', `environ 2 ${'A=b\0LONGER=xyz\0'.length} s=0`, 'random s=0 big=28']);
});

test('hostcalls: shared data with compare-and-swap', async () => {
  const { out } = await oneRequest([
    'req_headers sget k', 'req_headers sset k v1', 'req_headers sget k', 'req_headers scas k v2', 'req_headers sget k',
    'req_headers sstale k v3', 'req_headers sget k',
  ].join('\n'));
  assert.deepEqual(out, ['sget  s=1', 'sset s=0', 'sget v1 s=0', 'scas s=0', 'sget v2 s=0', 'sstale s=8', 'sget v2 s=0']);
});

test('hostcalls: shared data is shared between VMs with the same vm_id', async () => {
  const a = await load('configure sset shared-key from-a', { vm_id: 'common', name: 'a' });
  const { out } = await oneRequest('req_headers sget shared-key', { vm_id: 'common', name: 'b', shared: a.shared });
  assert.deepEqual(out, ['sget from-a s=0']);
});

test('hostcalls: shared queue enqueue wakes the registrant with proxy_on_queue_ready', async () => {
  const { logs } = await oneRequest('configure qreg q1\nreq_headers qenq - q1 item-1\nqueue log woke', { name: 'f' });
  await until(() => logs.wasm().includes('woke'));
  assert.deepEqual(logs.wasm(), ['qreg 1 s=0', 'qenq s=0', 'dequeue item-1 s=0', 'dequeue-again s=7', 'woke']);
});

test('hostcalls: resolving an unknown queue is NotFound', async () => {
  const { out } = await oneRequest('req_headers qenq - nosuch x', { name: 'f' });
  assert.deepEqual(out, ['qenq s=1']);
});

test('hostcalls: tick timer fires on the root context until disabled', async () => {
  const { logs } = await load('trace\nconfigure tickset 5\ntick log tick\ntick tickset 0');
  await until(() => logs.wasm().includes('tick'));
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(logs.wasm().filter((l) => l === 'tick').length, 1);
  assert.ok(logs.wasm().includes('cb tick 1 0 0'));
});

test('hostcalls: metrics are defined, updated and exported in the registry under the filter name', async () => {
  const { out, registry } = await oneRequest([
    'configure mdef 0 hits', 'configure mdef 1 level', 'configure mdef 2 sizes',
    'req_headers minc hits 2', 'req_headers minc hits -1', 'req_headers mget hits', 'req_headers mrec level 7',
    'req_headers minc level -2', 'req_headers mget level', 'req_headers mrec sizes 5', 'req_headers mget sizes',
    'req_headers minc unknown 1',
  ].join('\n'), { name: 'metrics-f' });
  assert.deepEqual(out, ['mdef s=0', 'mdef s=0', 'mdef s=0', 'minc s=0', 'minc s=2', 'mget 2 s=0', 'mrec s=0', 'minc s=0',
    'mget 5 s=0', 'mrec s=0', 'mget 5 s=2' /* histogram: BadArgument, out untouched */, 'minc s=1']);
  const text = await registry.metrics();
  assert.match(text, /wasmcustom_metrics_f_hits 2/);
  assert.match(text, /wasmcustom_metrics_f_level 5/);
  assert.match(text, /wasmcustom_metrics_f_sizes_count 1/);
});

test('hostcalls: set_effective_context to an unknown id is BadArgument', async () => {
  const { out } = await oneRequest('req_headers effective 999\nreq_headers effective 1');
  assert.deepEqual(out, ['effective s=2', 'effective s=0']);
});

test('hostcalls: proxy_done without a pending root is NotFound', async () => {
  const { out } = await oneRequest('req_headers done');
  assert.deepEqual(out, ['done s=1']);
});

test('hostcalls: request trailers are readable and writable in on_request_trailers', async () => {
  const { plugin, logs } = await load('req_trailers get 1 grpc-x\nreq_trailers add 1 x-t added');
  const sink = new RecordingSink();
  const s = chain([plugin]).createStream(sink.info, sink, null);
  s.decodeHeaders(reqHeaders(), false);
  s.decodeData(Buffer.from('b'), false);
  const { HeaderMap } = await import('../../host/http/header-map.js');
  s.decodeTrailers(new HeaderMap(['grpc-x', '1']));
  assert.deepEqual(logs.wasm(), ['get grpc-x=1 s=0', 'add s=0']);
  assert.deepEqual(sink.events.at(-1), ['reqTrailers', [['grpc-x', '1'], ['x-t', 'added']]]);
});
