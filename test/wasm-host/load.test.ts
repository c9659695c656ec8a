import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Registry } from 'prom-client';
import { buildHttpFilterChain } from '../../host/filter/build.js';
import type { ClusterManager } from '../../host/upstream/contract.js';
import { compileModule } from '../../host/wasm/plugin.js';
import { chain, collector, load, minimalWat, RecordingSink, reqHeaders, wasmPath, wat } from './harness.js';

const noClusters: ClusterManager = { get: () => undefined, all: () => [], close: async () => {} };

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-wasm-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('load: a module without an ABI version export is refused', async () => {
  const bytes = await wat('(module (memory (export "memory") 1) (func (export "malloc") (param i32) (result i32) (i32.const 0)))');
  await assert.rejects(compileModule(bytes), /missing proxy-wasm ABI version export/);
});

test('load: an unknown ABI version is refused', async () => {
  const bytes = await wat(minimalWat('', '0_3_0'));
  await assert.rejects(compileModule(bytes), /unsupported proxy-wasm ABI version export proxy_abi_version_0_3_0/);
});

test('load: imports the ABI does not define are named in the error', async () => {
  const bytes = await wat(minimalWat('', '0_2_1', `
    (import "env" "my_secret_host_fn" (func (param i32)))
    (import "wasi_snapshot_preview1" "sock_open" (func (param i32) (result i32)))`));
  await assert.rejects(compileModule(bytes), /env\.my_secret_host_fn, wasi_snapshot_preview1\.sock_open/);
});

test('load: an import whose signature differs from the ABI is refused', async () => {
  const bytes = await wat(minimalWat('', '0_2_1', '(import "env" "proxy_get_header_map_value" (func (param i32 i32 i32) (result i32)))'));
  await assert.rejects(compileModule(bytes), /import signature mismatch: env\.proxy_get_header_map_value is \(iii>i\), the ABI has \(iiiii>i\)/);
});

test('load: ABI functions of another version load as Unimplemented stubs', async (t) => {
  // proxy_get_configuration is 0.1.0 only; a 0.2.1 module importing it still loads.
  const bytes = await wat(minimalWat('', '0_2_1', '(import "env" "proxy_get_configuration" (func (param i32 i32) (result i32)))'));
  const mod = await compileModule(bytes);
  assert.equal(mod.shape.abi, '0.2.1');
  t.diagnostic('loaded');
});

test('load: initial memory over memory_limit_mb is refused', async () => {
  const bytes = await wat(minimalWat('').replace('(memory (export "memory") 1)', '(memory (export "memory") 40)'));
  await assert.rejects(compileModule(bytes, 1024 * 1024), /initial memory, over the 1048576-byte memory limit/);
});

test('load: a module importing its memory is refused', async () => {
  const bytes = await wat(`(module (import "env" "memory" (memory 1))
    (func (export "proxy_abi_version_0_2_1")) (func (export "malloc") (param i32) (result i32) (i32.const 0)))`);
  await assert.rejects(compileModule(bytes), /memory/);
});

test('load: _start runs before any context (module init)', async () => {
  const bytes = await wat(minimalWat(`
    (global $started (mut i32) (i32.const 0))
    (func (export "_start") (global.set $started (i32.const 1)))
    (func (export "proxy_on_vm_start") (param i32 i32) (result i32) (global.get $started))`));
  const mod = await compileModule(bytes);
  const { WasmPlugin } = await import('../../host/wasm/plugin.js');
  const { SharedStore } = await import('../../host/wasm/shared-store.js');
  const logs = collector();
  assert.doesNotThrow(() => WasmPlugin.load(mod, 'st', { file: 'x' }, { log: logs.log, registry: new Registry(), shared: new SharedStore() }));
});

test('load: a host call other than proxy_log during module init fails the load', async () => {
  const bytes = await wat(minimalWat(`
    (func (export "_initialize") (drop (call $tick (i32.const 10))))
    (func (export "proxy_on_vm_start") (param i32 i32) (result i32) (i32.const 1))`, '0_2_1',
    '(import "env" "proxy_set_tick_period_milliseconds" (func $tick (param i32) (result i32)))'));
  const mod = await compileModule(bytes);
  const { WasmPlugin } = await import('../../host/wasm/plugin.js');
  const { SharedStore } = await import('../../host/wasm/shared-store.js');
  assert.throws(() => WasmPlugin.load(mod, 'init', { file: 'x' }, { log: collector().log, registry: new Registry(), shared: new SharedStore() }),
    /_initialize failed: proxy_set_tick_period_milliseconds called during module initialization/);
});

test('load: proxy_on_vm_start returning false fails the chain with the filter index and name', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'bad.wasm'), await wat(minimalWat('(func (export "proxy_on_vm_start") (param i32 i32) (result i32) (i32.const 0))')));
  copyFileSync(wasmPath('script'), join(dir, 'script.wasm'));
  await assert.rejects(buildHttpFilterChain([
    { name: 'good', wasm: { file: 'script.wasm' } },
    { name: 'second', wasm: { file: './bad.wasm' } },
  ], { baseDir: dir, listenerName: 'l', clusters: noClusters, log: collector().log, registry: new Registry(), bufferLimitBytes: 1024 }),
  /^Error: http_filters\[1\] \(second\): proxy_on_vm_start returned false$/);
});

test('load: proxy_on_configure returning false fails the chain with the filter name', async (t) => {
  const dir = tempDir(t);
  copyFileSync(wasmPath('script'), join(dir, 'script.wasm'));
  await assert.rejects(buildHttpFilterChain([{ name: 'cfg', wasm: { file: 'script.wasm', configuration: 'configure ret 0' } }],
    { baseDir: dir, listenerName: 'l', clusters: noClusters, log: collector().log, registry: new Registry(), bufferLimitBytes: 1024 }),
  /^Error: http_filters\[0\] \(cfg\): proxy_on_configure returned false$/);
});

test('load: a missing file fails the chain with the filter name', async (t) => {
  const dir = tempDir(t);
  await assert.rejects(buildHttpFilterChain([{ name: 'nofile', wasm: { file: 'nope.wasm' } }],
    { baseDir: dir, listenerName: 'l', clusters: noClusters, log: collector().log, registry: new Registry(), bufferLimitBytes: 1024 }),
  /^Error: http_filters\[0\] \(nofile\): .*ENOENT/);
});

test('load: ABI 0.1.0 modules get the 0.1.0 functions and semantics', async () => {
  const { plugin, logs } = await load('cfg-010', { module: 'abi010' });
  const sink = new RecordingSink();
  const s = chain([plugin]).createStream(sink.info, sink, null);
  s.decodeHeaders(reqHeaders(), true);
  s.complete();
  // 0.1.0: configuration through proxy_get_configuration, missing header → OK + empty,
  // proxy_continue_request exists, proxy_continue_stream (0.2.x) is a stub → Unimplemented.
  assert.deepEqual(logs.wasm(), ['config cfg-010 s=0', 'missing s=0 len=0', 'continue_request s=0 continue_stream s=12']);
});
