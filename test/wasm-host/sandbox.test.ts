import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Registry } from 'prom-client';
import { compileModule, WasmPlugin } from '../../host/wasm/plugin.js';
import { SharedStore } from '../../host/wasm/shared-store.js';
import { chain, collector, minimalWat, RecordingSink, reqHeaders, wat } from './harness.js';

async function plugin(text: string, name = 'sb') {
  const logs = collector();
  const mod = await compileModule(await wat(text));
  const p = WasmPlugin.load(mod, name, { file: 'x' }, { log: logs.log, registry: new Registry(), shared: new SharedStore() });
  return { p, logs };
}

test('sandbox: a host call from inside the allocator fails the VM (restricted_callback)', async () => {
  // malloc calls proxy_done: only proxy_log and a few WASI calls are allowed there.
  const { p, logs } = await plugin(`(module
    (import "env" "proxy_done" (func $done (result i32)))
    (import "env" "proxy_get_property" (func $prop (param i32 i32 i32 i32) (result i32)))
    (memory (export "memory") 1)
    (data (i32.const 16) "plugin_name")
    (func (export "proxy_abi_version_0_2_1"))
    (func (export "malloc") (param i32) (result i32) (drop (call $done)) (i32.const 4096))
    (func (export "proxy_on_vm_start") (param i32 i32) (result i32) (i32.const 1))
    (func (export "proxy_on_configure") (param i32 i32) (result i32) (i32.const 1))
    (func (export "proxy_on_request_headers") (param i32 i32 i32) (result i32)
      (drop (call $prop (i32.const 16) (i32.const 11) (i32.const 0) (i32.const 4))) (i32.const 0)))`);
  const sink = new RecordingSink();
  chain([p]).createStream(sink.info, sink, null).decodeHeaders(reqHeaders(), true);
  assert.deepEqual(sink.events[0], ['respHeaders', '503', false]);
  assert.ok(logs.lines.some((l) => /failed in proxy_on_request_headers: restricted_callback: proxy_done called during memory allocation/.test(l.msg)));
});

test('sandbox: a declared memory maximum above the cap is lowered to the cap', async () => {
  const bytes = await wat(minimalWat(`
    (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
    (func (export "proxy_on_vm_start") (param i32 i32) (result i32) (i32.const 1))`).replace('(memory (export "memory") 1)', '(memory (export "memory") 1 1000)'));
  const mod = await compileModule(bytes, 4 * 65536);
  const inst = new WebAssembly.Instance(mod.module, { env: { proxy_log: () => 0 } });
  const grow = inst.exports.grow as (n: number) => number;
  assert.equal(grow(3), 1); // up to 4 pages: fine
  assert.equal(grow(1), -1); // the 5th page is past the cap
});

test('sandbox: a start-section module initialises during instantiation', async () => {
  const { p } = await plugin(minimalWat(`
    (global $ready (mut i32) (i32.const 0))
    (func $init (global.set $ready (i32.const 1)))
    (start $init)
    (func (export "proxy_on_vm_start") (param i32 i32) (result i32) (global.get $ready))`));
  assert.equal(p.vm().failed, false);
});

test('sandbox: proc_exit through wasi_unstable fails the VM, never the process', async () => {
  const { p, logs } = await plugin(minimalWat(`
    (func (export "proxy_on_vm_start") (param i32 i32) (result i32) (i32.const 1))
    (func (export "proxy_on_request_headers") (param i32 i32 i32) (result i32) (call $exit (i32.const 7)) (i32.const 0))`,
  '0_2_0', '(import "wasi_unstable" "proc_exit" (func $exit (param i32)))'));
  const sink = new RecordingSink();
  chain([p]).createStream(sink.info, sink, null).decodeHeaders(reqHeaders(), true);
  assert.deepEqual(sink.events[0], ['respHeaders', '503', false]);
  assert.ok(logs.lines.some((l) => /proc_exit: proc_exit\(7\)/.test(l.msg)));
});

test('sandbox: WASI calls without a capability return a clean errno', async () => {
  const { p } = await plugin(minimalWat(`
    (global $r (mut i32) (i32.const 0))
    (func (export "proxy_on_vm_start") (param i32 i32) (result i32)
      (global.set $r (i32.add (i32.mul (call $open (i32.const 3) (i32.const 0) (i32.const 16) (i32.const 5) (i32.const 0) (i64.const 0) (i64.const 0) (i32.const 0) (i32.const 64)) (i32.const 1000))
        (call $sock (i32.const 3) (i32.const 0))))
      (i32.const 1))
    (func (export "result") (result i32) (global.get $r))`, '0_2_1', `
    (import "wasi_snapshot_preview1" "path_open" (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "sock_shutdown" (func $sock (param i32 i32) (result i32)))`));
  assert.equal(p.vm().failed, false);
  // path_open → ENOENT (44), sock_shutdown → ENOTSUP (58)
  const result = (p.vm() as unknown as { instance: WebAssembly.Instance }).instance.exports.result as () => number;
  assert.equal(result(), 44 * 1000 + 58);
});

const ALLOC_WAT = (malloc: string, onAlloc: string) => `(module
  (import "env" "proxy_get_property" (func $prop (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "plugin_name")
  (global $st (mut i32) (i32.const -1))
  (func (export "proxy_abi_version_0_2_1"))
  (func (export "malloc") (param i32) (result i32) ${malloc})
  ${onAlloc}
  (func (export "proxy_on_vm_start") (param i32 i32) (result i32)
    (global.set $st (call $prop (i32.const 16) (i32.const 11) (i32.const 0) (i32.const 4))) (i32.const 1))
  (func (export "status") (result i32) (global.get $st)))`;

function status(p: WasmPlugin): number {
  return ((p.vm() as unknown as { instance: WebAssembly.Instance }).instance.exports.status as () => number)();
}

test('sandbox: proxy_on_memory_allocate is preferred over malloc', async () => {
  const { p } = await plugin(ALLOC_WAT('(unreachable)', '(func (export "proxy_on_memory_allocate") (param i32) (result i32) (i32.const 4096))'));
  assert.equal(p.vm().failed, false);
  assert.equal(status(p), 0);
});

test('sandbox: an allocator returning 0 makes the host call answer InvalidMemoryAccess', async () => {
  const { p } = await plugin(ALLOC_WAT('(i32.const 0)', ''));
  assert.equal(status(p), 6);
});

test('sandbox: the first of two ABI version exports wins', async () => {
  const bytes = await wat(minimalWat('(func (export "proxy_abi_version_0_1_0"))', '0_2_0'));
  assert.equal((await compileModule(bytes)).shape.abi, '0.2.0');
});
