/**
 * Conformance over HTTP: a trap in each stream callback kind under each failure policy, as the
 * client sees it (503 "wasm filter failed", a reset, or the filter skipped), what the next
 * request gets (dead VM, skipped filter, fresh VM), the failure on /stats/prometheus and in the
 * log. One listener per policy; one route (its own VM) per callback.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import type { ClientResponse } from './client.js';
import { startConformance, tagged, type Conformance, type RouteSpec } from './harness.js';

const CALLBACKS = ['req_headers', 'req_body', 'req_trailers', 'resp_headers', 'resp_body', 'resp_trailers'] as const;
const POLICIES = ['fail_closed', 'fail_open', 'fail_reload'] as const;
const HOOK: Record<string, string> = {
  req_headers: 'request_headers', req_body: 'request_body', req_trailers: 'request_trailers',
  resp_headers: 'response_headers', resp_body: 'response_body', resp_trailers: 'response_trailers',
};
const filterName = (policy: string) => `trap_${policy.slice(5)}`;
const routes = (policy: string): RouteSpec[] =>
  CALLBACKS.map((cb) => ({ prefix: `/${cb}/`, filters: { [filterName(policy)]: tagged(`${policy}-${cb}`, `${cb} ?x-mode=trap trap`) } }));

const ready = startConformance(POLICIES.map((policy) => ({
  name: policy,
  filters: [{ name: filterName(policy), script: tagged('default'), wasm: { failure_policy: policy } }],
  routes: routes(policy),
})));
after(async () => (await ready).stop());

/** A full exchange: body and trailers both ways, so every callback kind runs. */
function drive(c: Conformance, policy: string, cb: string, mode: string): Promise<ClientResponse> {
  return c.send(policy, {
    path: `/${cb}/`, chunks: ['q'], trailers: { 'x-rt': '1' },
    headers: { 'x-mode': mode, 'x-up-chunks': 'r', 'x-up-trailer': 'x-st=1', te: 'trailers' },
  });
}

const passed = (r: ClientResponse) => r.complete && r.status === 200 && r.body === 'r' && r.trailers['x-st'] === '1';
const failedReply = (r: ClientResponse) => r.complete && r.status === 503 && r.body === 'wasm filter failed';

function counter(stats: string, name: string, labels: string): number {
  const m = new RegExp(`^${name}\\{${labels}\\} (\\d+)$`, 'm').exec(stats);
  return m ? Number(m[1]) : 0;
}

for (const cb of CALLBACKS) {
  for (const policy of POLICIES) {
    test(`failures/http: a trap in ${cb} under ${policy}`, async () => {
      const c = await ready;
      const name = filterName(policy);
      const reloadsBefore = counter(await c.stats(), 'sluice_wasm_vm_reloads_total', `filter="${name}"`);
      const failing = await drive(c, policy, cb, 'trap');
      if (policy === 'fail_open') assert.ok(passed(failing), JSON.stringify(failing));
      else if (cb === 'resp_body' || cb === 'resp_trailers') {
        // the response had started downstream: the stream is reset, the client sees no complete response
        assert.equal(failing.complete, false, JSON.stringify(failing));
        assert.ok(!(failing.body === 'r' && failing.trailers['x-st'] === '1'));
      } else assert.ok(failedReply(failing), JSON.stringify(failing));
      // The next request: dead VM (closed), skipped filter (open), or a fresh VM (reload).
      const next = await drive(c, policy, cb, 'ok');
      if (policy === 'fail_closed') assert.ok(failedReply(next), JSON.stringify(next));
      else assert.ok(passed(next), JSON.stringify(next));
      const stats = await c.stats();
      assert.equal(counter(stats, 'sluice_wasm_vm_failures_total', `filter="${name}",kind="trap",callback="proxy_on_${HOOK[cb]}"`), 1, stats);
      if (policy === 'fail_reload') assert.equal(counter(stats, 'sluice_wasm_vm_reloads_total', `filter="${name}"`), reloadsBefore + 1);
      assert.ok(c.errors().some((m) => m.startsWith(`wasm filter ${name} failed in proxy_on_${HOOK[cb]}: trap: unreachable`)), c.errors().join('\n'));
    });
  }
}
