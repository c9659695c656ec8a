/**
 * Conformance over HTTP: the sandbox holds against hostile modules. An infinite loop is stopped
 * by the callback budget, a memory hog by the memory cap, unbounded recursion by the stack;
 * AssemblyScript abort and WASI proc_exit fail the VM, never the gateway process, which keeps
 * serving.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { startConformance, tagged } from './harness.js';

const ready = startConformance([
  { name: 'spin', filters: [{ name: 'spinner', script: tagged('spin', 'req_headers ?x-mode=spin loop'),
    wasm: { callback_timeout: '20ms', failure_policy: 'fail_reload' } }] },
  { name: 'hog', filters: [{ name: 'hog', script: tagged('hog', 'req_headers ?x-mode=hog hog'), wasm: { memory_limit_mb: 4 } }] },
  { name: 'misc', filters: [{ name: 'm', script: tagged('default') }], routes: [
    { prefix: '/abort/', filters: { m: tagged('abort', 'req_headers abort') } },
    { prefix: '/exit/', filters: { m: tagged('exit', 'req_headers exit') } },
    { prefix: '/recurse/', filters: { m: tagged('recurse', 'req_headers recurse') } },
  ] },
]);
after(async () => (await ready).stop());

test('sandbox/http: an infinite loop is stopped by the callback budget; the gateway keeps serving', async () => {
  const c = await ready;
  const r = await c.send('spin', { headers: { 'x-mode': 'spin' } });
  assert.equal(r.status, 503);
  assert.equal(r.body, 'wasm filter failed');
  assert.ok(c.errors().some((m) => /^wasm filter spinner failed in proxy_on_request_headers: budget_exceeded: callback exceeded its 20ms budget/.test(m)),
    c.errors().join('\n'));
  assert.match(await c.stats(), /sluice_wasm_vm_failures_total\{filter="spinner",kind="budget_exceeded",callback="proxy_on_request_headers"\} 1/);
  assert.equal((await c.send('spin')).status, 200); // fail_reload: a fresh VM
  assert.equal((await c.send('misc', { path: '/other' })).status, 200); // other listeners were never blocked for good
});

test('sandbox/http: growing memory past memory_limit_mb fails the VM only', async () => {
  const c = await ready;
  const r = await c.send('hog', { headers: { 'x-mode': 'hog' } });
  assert.equal(r.status, 503);
  assert.ok(!c.wasm('hog').some((l) => l.startsWith('hog survived')));
  assert.ok(c.errors().some((m) => /^wasm filter hog failed in proxy_on_request_headers: memory_limit/.test(m)), c.errors().join('\n'));
  assert.match(await c.stats(), /sluice_wasm_vm_failures_total\{filter="hog",kind="memory_limit",callback="proxy_on_request_headers"\} 1/);
  assert.equal((await c.send('spin')).status, 200);
});

test('sandbox/http: AssemblyScript abort fails the VM with the decoded message', async () => {
  const c = await ready;
  const r = await c.send('misc', { path: '/abort/' });
  assert.equal(r.status, 503);
  assert.ok(c.errors().includes('wasm filter m failed in proxy_on_request_headers: abort: abort: script abort at script.ts:1:2'), c.errors().join('\n'));
});

test('sandbox/http: proc_exit fails the VM, never the gateway process', async () => {
  const c = await ready;
  const r = await c.send('misc', { path: '/exit/' });
  assert.equal(r.status, 503);
  assert.ok(c.errors().includes('wasm filter m failed in proxy_on_request_headers: proc_exit: proc_exit(3)'), c.errors().join('\n'));
  assert.equal((await c.send('misc', { path: '/other' })).status, 200);
});

test('sandbox/http: unbounded recursion (stack overflow) fails the VM, not the process', async () => {
  const c = await ready;
  const r = await c.send('misc', { path: '/recurse/' });
  assert.equal(r.status, 503);
  assert.ok(c.errors().some((m) => /^wasm filter m failed in proxy_on_request_headers: (trap|budget_exceeded)/.test(m)), c.errors().join('\n'));
});
