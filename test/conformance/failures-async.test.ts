/**
 * Conformance over HTTP: traps outside the six stream callbacks (context create, on_log, ticks,
 * queue and http_call callbacks on the root, configure), a request held paused when its VM fails
 * elsewhere, and fail_reload's in-flight streams and backoff.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { startConformance, tagged, until, type RouteSpec } from './harness.js';

const route = (filter: string, k: string, ...lines: string[]): RouteSpec => ({ prefix: `/${k}/`, filters: { [filter]: tagged(k, ...lines) } });

const POLICIES = ['fail_closed', 'fail_open', 'fail_reload'] as const;
type Policy = (typeof POLICIES)[number];
const fname = (policy: Policy) => `root_${policy.slice(5)}`;
const T = (s: string) => `?x-mode=trap ${s}`;

/** Per callback kind: its route script, and what the failing request and the next one get per policy. */
const KINDS: Record<string, { script: string[]; callback: string; failing: Record<Policy, number>; next: Record<Policy, number> }> = {
  create: { script: ['create trap'], callback: 'proxy_on_context_create',
    failing: { fail_closed: 503, fail_open: 200, fail_reload: 503 }, next: { fail_closed: 503, fail_open: 200, fail_reload: 503 } },
  log: { script: [`log ${T('trap')}`], callback: 'proxy_on_log',
    failing: { fail_closed: 200, fail_open: 200, fail_reload: 200 }, next: { fail_closed: 503, fail_open: 200, fail_reload: 200 } },
  callresp: { script: ['req_headers call up /check 2000', 'req_headers ret 1', `call_resp ${T('trap')}`, 'call_resp cont 0'],
    callback: 'proxy_on_http_call_response',
    failing: { fail_closed: 503, fail_open: 200, fail_reload: 503 }, next: { fail_closed: 503, fail_open: 200, fail_reload: 200 } },
  pausedtick: { script: [`req_headers ${T('ret 1')}`, `req_headers ${T('tickset 5')}`, 'tick trap'], callback: 'proxy_on_tick',
    failing: { fail_closed: 503, fail_open: 200, fail_reload: 503 }, next: { fail_closed: 503, fail_open: 200, fail_reload: 200 } },
};

const ready = startConformance([
  ...POLICIES.map((policy) => ({
    name: policy, filters: [{ name: fname(policy), script: tagged('default'), wasm: { failure_policy: policy, vm_id: fname(policy) } }], // own queue namespace per policy
    routes: [
      ...Object.entries(KINDS).map(([k, v]) => route(fname(policy), k, ...v.script)),
      route(fname(policy), 'queue', 'configure qreg qtrap', 'queue trap'),
      route(fname(policy), 'enqueue', `req_headers qenq ${fname(policy)} qtrap x`),
    ],
  })),
  { name: 'tick', filters: [{ name: 'tk', script: tagged('tk', 'configure tickset 5', 'tick trap', 'req_headers log alive'), wasm: { failure_policy: 'fail_open' } }] },
  { name: 'reload', filters: [{ name: 'fr', script: tagged('default'), wasm: { failure_policy: 'fail_reload' } }], routes: [
    route('fr', 'inflight', 'trace', 'req_headers ?x-mode=slow ret 1', 'req_headers ?x-mode=trap trap'),
    route('fr', 'backoff', 'req_headers ?x-mode=trap trap'),
  ] },
]);
after(async () => (await ready).stop());

const failedIn = (errors: string[], filter: string, cb: string) => errors.some((m) => m.startsWith(`wasm filter ${filter} failed in ${cb}: trap`));
const failures = (stats: string, filter: string, cb: string) =>
  Number(new RegExp(`^sluice_wasm_vm_failures_total\\{filter="${filter}",kind="trap",callback="${cb}"\\} (\\d+)$`, 'm').exec(stats)?.[1] ?? 0);

for (const [kind, k] of Object.entries(KINDS)) {
  for (const policy of POLICIES) {
    test(`failures/http: a trap in ${k.callback} (${kind}) under ${policy}`, async () => {
      const c = await ready;
      const name = fname(policy);
      const failing = await c.send(policy, { path: `/${kind}/`, headers: { 'x-mode': 'trap' } });
      assert.equal(failing.status, k.failing[policy], JSON.stringify(failing));
      if (failing.status === 503) assert.equal(failing.body, 'wasm filter failed');
      await until(() => failedIn(c.errors(), name, k.callback), `${k.callback} failure`);
      const next = await c.send(policy, { path: `/${kind}/`, headers: { 'x-mode': 'ok' } });
      assert.equal(next.status, k.next[policy], JSON.stringify(next));
      assert.ok(failures(await c.stats(), name, k.callback) >= 1);
    });
  }
}

for (const policy of POLICIES) {
  test(`failures/http: a trap in proxy_on_queue_ready under ${policy}`, async () => {
    const c = await ready;
    const name = fname(policy);
    assert.equal((await c.send(policy, { path: '/queue/' })).status, 200); // registers the queue
    assert.equal((await c.send(policy, { path: '/enqueue/' })).status, 200); // another VM of the same vm_id enqueues
    await until(() => failedIn(c.errors(), name, 'proxy_on_queue_ready'), 'queue failure');
    assert.equal((await c.send(policy, { path: '/queue/' })).status, policy === 'fail_closed' ? 503 : 200);
    assert.ok(failures(await c.stats(), name, 'proxy_on_queue_ready') >= 1);
  });
}

test('failures/http: a trap in a tick fails the VM; fail_open then skips the filter', async () => {
  const c = await ready;
  await until(() => failedIn(c.errors(), 'tk', 'proxy_on_tick'), 'tick failure');
  const r = await c.send('tick', { path: '/' });
  assert.equal(r.status, 200);
  assert.ok(!c.wasm('tk').includes('alive'));
  assert.match(await c.stats(), /sluice_wasm_vm_failures_total\{filter="tk",kind="trap",callback="proxy_on_tick"\} 1/);
});

test('failures/http: a filter whose configure traps at startup keeps the gateway from starting', async () => {
  await assert.rejects(startConformance([{ name: 'x', filters: [{ name: 'bad', script: ['configure trap'] }] }]),
    /http_filters\[0\] \(bad\): proxy_on_configure failed: unreachable/);
});

test('failures/http: fail_reload: a request held on the failed VM gets the policy; new requests get a fresh VM', async () => {
  const c = await ready;
  const slow = c.send('reload', { path: '/inflight/', headers: { 'x-mode': 'slow' }, timeoutMs: 3000 });
  await until(() => c.wasm('inflight').some((l) => l.startsWith('cb req_headers 2 ')), 'slow request paused in the filter');
  const failing = await c.send('reload', { path: '/inflight/', headers: { 'x-mode': 'trap' } });
  assert.equal(failing.status, 503);
  const held = await slow;
  assert.equal(held.status, 503, JSON.stringify(held));
  assert.equal((await c.send('reload', { path: '/inflight/', headers: { 'x-mode': 'ok' } })).status, 200);
});

test('failures/http: fail_reload reloads at once the first time, then backs off', async () => {
  const c = await ready;
  const send = (mode: string) => c.send('reload', { path: '/backoff/', headers: { 'x-mode': mode } });
  assert.equal((await send('trap')).status, 503); // VM 1 fails
  assert.equal((await send('ok')).status, 200); // VM 2 (immediate reload)
  assert.equal((await send('trap')).status, 503); // VM 2 fails
  assert.equal((await send('ok')).status, 503); // within the backoff: no new VM yet, fail closed
  assert.ok(c.lines.some((l) => l.msg === 'wasm filter fr: VM reloaded after failure'));
});
