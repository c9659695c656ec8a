/**
 * Conformance over HTTP: module shapes the AssemblyScript script cannot take (an allocator that
 * calls the host or returns 0, proxy_on_memory_allocate next to malloc, a start section, imports
 * from wasi_unstable / without capability). Each is a small hand-written module assembled at
 * test time (binaryen), written to a temporary directory and loaded by the gateway from config.
 * The modules report host-call statuses as two-digit request headers the upstream records.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { startConformance, type Conformance } from './harness.js';

/** `(call $report <status> <header at offset>)`: header x-s<n> = status as two ASCII digits. */
const REPORT = `
  (import "env" "proxy_add_header_map_value" (func $add (param i32 i32 i32 i32 i32) (result i32)))
  (func $report (param $v i32) (param $key i32)
    (i32.store8 (i32.const 64) (i32.add (i32.const 48) (i32.div_u (local.get $v) (i32.const 10))))
    (i32.store8 (i32.const 65) (i32.add (i32.const 48) (i32.rem_u (local.get $v) (i32.const 10))))
    (drop (call $add (i32.const 0) (local.get $key) (i32.const 4) (i32.const 64) (i32.const 2))))`;
const DATA = '(data (i32.const 16) "plugin_name") (data (i32.const 32) "x-s1") (data (i32.const 40) "x-s2")';

/** Reads property plugin_name (the host allocates in the guest) and reports its status as x-s1. */
const allocModule = (malloc: string, extra = '') => `(module
  (import "env" "proxy_get_property" (func $prop (param i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_done" (func $done (result i32)))
  ${REPORT}
  (memory (export "memory") 1) ${DATA}
  (func (export "proxy_abi_version_0_2_1"))
  (func (export "malloc") (param i32) (result i32) ${malloc})
  ${extra}
  (func (export "proxy_on_vm_start") (param i32 i32) (result i32) (i32.const 1))
  (func (export "proxy_on_request_headers") (param i32 i32 i32) (result i32)
    (call $report (call $prop (i32.const 16) (i32.const 11) (i32.const 0) (i32.const 4)) (i32.const 32)) (i32.const 0)))`;

const MODULES: Record<string, string> = {
  // malloc calls proxy_done: only proxy_log and a few WASI calls are allowed there.
  restricted: allocModule('(drop (call $done)) (i32.const 4096)'),
  preferred: allocModule('(unreachable)', '(func (export "proxy_on_memory_allocate") (param i32) (result i32) (i32.const 4096))'),
  nullalloc: allocModule('(i32.const 0)'),
  start: `(module ${REPORT}
    (memory (export "memory") 1) ${DATA}
    (global $ready (mut i32) (i32.const 0))
    (func $init (global.set $ready (i32.const 1)))
    (start $init)
    (func (export "proxy_abi_version_0_2_1"))
    (func (export "malloc") (param i32) (result i32) (i32.const 4096))
    (func (export "proxy_on_vm_start") (param i32 i32) (result i32) (global.get $ready))
    (func (export "proxy_on_request_headers") (param i32 i32 i32) (result i32) (call $report (global.get $ready) (i32.const 32)) (i32.const 0)))`,
  exit: `(module
    (import "wasi_unstable" "proc_exit" (func $exit (param i32)))
    (memory (export "memory") 1)
    (func (export "proxy_abi_version_0_2_0"))
    (func (export "malloc") (param i32) (result i32) (i32.const 4096))
    (func (export "proxy_on_vm_start") (param i32 i32) (result i32) (i32.const 1))
    (func (export "proxy_on_request_headers") (param i32 i32 i32) (result i32) (call $exit (i32.const 7)) (i32.const 0)))`,
  wasi: `(module
    (import "wasi_snapshot_preview1" "path_open" (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "sock_shutdown" (func $sock (param i32 i32) (result i32)))
    ${REPORT}
    (memory (export "memory") 1) ${DATA}
    (func (export "proxy_abi_version_0_2_1"))
    (func (export "malloc") (param i32) (result i32) (i32.const 4096))
    (func (export "proxy_on_vm_start") (param i32 i32) (result i32) (i32.const 1))
    (func (export "proxy_on_request_headers") (param i32 i32 i32) (result i32)
      (call $report (call $open (i32.const 3) (i32.const 0) (i32.const 16) (i32.const 5) (i32.const 0) (i64.const 0) (i64.const 0) (i32.const 0) (i32.const 128)) (i32.const 32))
      (call $report (call $sock (i32.const 3) (i32.const 0)) (i32.const 40))
      (i32.const 0)))`,
};

async function assemble(text: string): Promise<Uint8Array> {
  const { default: binaryen } = await import('binaryen');
  const m = binaryen.parseText(text);
  try {
    return m.emitBinary();
  } finally {
    m.dispose();
  }
}

async function start(): Promise<{ c: Conformance; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-conformance-'));
  for (const [name, text] of Object.entries(MODULES)) writeFileSync(join(dir, `${name}.wasm`), await assemble(text));
  const c = await startConformance(Object.keys(MODULES).map((name) => ({ name, filters: [{ name, file: join(dir, `${name}.wasm`) }] })));
  return { c, dir };
}

const ready = start();
after(async () => {
  const { c, dir } = await ready;
  await c.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('sandbox-modules/http: a host call from inside the allocator fails the VM (restricted_callback)', async () => {
  const { c } = await ready;
  const r = await c.send('restricted', { path: '/restricted' });
  assert.equal(r.status, 503);
  assert.equal(c.upstream.seenAt('/restricted').length, 0);
  assert.ok(c.errors().some((m) => /^wasm filter restricted failed in proxy_on_request_headers: restricted_callback: proxy_done called during memory allocation/.test(m)),
    c.errors().join('\n'));
});

test('sandbox-modules/http: proxy_on_memory_allocate is preferred over malloc', async () => {
  const { c } = await ready;
  assert.equal((await c.send('preferred', { path: '/preferred' })).status, 200);
  assert.equal(c.upstream.seenAt('/preferred')[0]!.headers['x-s1'], '00');
});

test('sandbox-modules/http: an allocator returning 0 makes the host call answer InvalidMemoryAccess', async () => {
  const { c } = await ready;
  assert.equal((await c.send('nullalloc', { path: '/nullalloc' })).status, 200);
  assert.equal(c.upstream.seenAt('/nullalloc')[0]!.headers['x-s1'], '06');
});

test('sandbox-modules/http: a start-section module initialises during instantiation and serves', async () => {
  const { c } = await ready;
  assert.equal((await c.send('start', { path: '/start' })).status, 200);
  assert.equal(c.upstream.seenAt('/start')[0]!.headers['x-s1'], '01');
});

test('sandbox-modules/http: proc_exit through wasi_unstable fails the VM, never the process', async () => {
  const { c } = await ready;
  assert.equal((await c.send('exit', { path: '/exit' })).status, 503);
  assert.ok(c.errors().some((m) => /^wasm filter exit failed in proxy_on_request_headers: proc_exit: proc_exit\(7\)/.test(m)), c.errors().join('\n'));
  assert.equal((await c.send('start', { path: '/start-again' })).status, 200);
});

test('sandbox-modules/http: WASI calls without a capability return a clean errno (ENOENT, ENOTSUP)', async () => {
  const { c } = await ready;
  assert.equal((await c.send('wasi', { path: '/wasi' })).status, 200);
  const h = c.upstream.seenAt('/wasi')[0]!.headers;
  assert.equal(h['x-s1'], '44');
  assert.equal(h['x-s2'], '58');
});
