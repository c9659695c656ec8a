import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FailurePolicy } from '../../host/config/types.js';
import { HeaderMap } from '../../host/http/header-map.js';
import { chain, load, RecordingSink, reqHeaders, respHeaders, settle, until } from './harness.js';

const CALLBACKS = ['req_headers', 'req_body', 'req_trailers', 'resp_headers', 'resp_body', 'resp_trailers'] as const;

/** Drives a full request with body and trailers both ways; `mode` selects the failing request. */
function drive(c: ReturnType<typeof chain>, mode: string): RecordingSink {
  const sink = new RecordingSink();
  const s = c.createStream(sink.info, sink, null);
  s.decodeHeaders(reqHeaders(['x-mode', mode]), false);
  s.decodeData(Buffer.from('q'), false);
  s.decodeTrailers(new HeaderMap(['x-rt', '1']));
  s.encodeHeaders(respHeaders(200), false);
  s.encodeData(Buffer.from('r'), false);
  s.encodeTrailers(new HeaderMap(['x-st', '1']));
  s.complete();
  return sink;
}

const okEvents = ['reqHeaders', 'reqData', 'reqTrailers', 'respHeaders', 'respData', 'respTrailers'];
const failedReply = (sink: RecordingSink) =>
  sink.events.some((e) => e[0] === 'respHeaders' && e[1] === '503') && sink.responseBody.join('') === 'wasm filter failed';
const wasReset = (sink: RecordingSink) => sink.events.some((e) => e[0] === 'reset');

for (const cb of CALLBACKS) {
  for (const policy of ['fail_closed', 'fail_open', 'fail_reload'] as FailurePolicy[]) {
    test(`failures: a trap in ${cb} under ${policy}`, async () => {
      const { plugin, registry, logs } = await load(`${cb} ?x-mode=trap trap`, { failure_policy: policy, name: 'trapper' });
      const c = chain([plugin], 1 << 20);
      const failing = drive(c, 'trap');
      const responseSide = cb.startsWith('resp');
      if (policy === 'fail_open') {
        assert.deepEqual(failing.names().filter((n) => okEvents.includes(n)), okEvents);
      } else if (cb === 'resp_body' || cb === 'resp_trailers') {
        assert.ok(wasReset(failing), JSON.stringify(failing.events)); // response headers already went downstream
      } else {
        assert.ok(failedReply(failing), JSON.stringify(failing.events));
        assert.equal(failing.info.responseCodeDetails, 'wasm filter failed');
        if (!responseSide && cb !== 'req_headers') assert.ok(failing.names().includes('cancel'));
      }
      // The next request: dead VM (closed), skipped filter (open), or a fresh VM (reload).
      const next = drive(c, 'ok');
      if (policy === 'fail_closed') assert.ok(failedReply(next));
      else assert.deepEqual(next.names().filter((n) => okEvents.includes(n)), okEvents);
      const metrics = await registry.metrics();
      const hook = { req_headers: 'request_headers', req_body: 'request_body', req_trailers: 'request_trailers',
        resp_headers: 'response_headers', resp_body: 'response_body', resp_trailers: 'response_trailers' }[cb];
      assert.match(metrics, new RegExp(`sluice_wasm_vm_failures_total\\{filter="trapper",kind="trap",callback="proxy_on_${hook}"\\} 1`));
      if (policy === 'fail_reload') assert.match(metrics, /sluice_wasm_vm_reloads_total\{filter="trapper"\} 1/);
      const line = logs.lines.find((l) => l.level === 'error')!;
      assert.match(line.msg, new RegExp(`^wasm filter trapper failed in proxy_on_${hook}: trap: unreachable`));
    });
  }
}

test('failures: a trap in proxy_on_vm_start fails the load with the reason', async () => {
  await assert.rejects(load('trace', { vm_configuration: 'trap', name: 'starter' }), /proxy_on_vm_start failed: unreachable/);
});

for (const cb of ['done', 'delete'] as const) {
  test(`failures: a trap in proxy_on_${cb} at stream end fails the VM (counted); the next stream gets fail_closed`, async () => {
    const { plugin, registry, logs } = await load(`trace\n${cb} ?x-mode=trap trap`, { name: 'ender' });
    const c = chain([plugin], 1 << 20);
    const first = drive(c, 'trap');
    assert.deepEqual(first.names().filter((n) => okEvents.includes(n)), okEvents); // the response was complete
    const out = logs.wasm();
    if (cb === 'done') assert.ok(!out.some((l) => l.startsWith('cb delete 2')), out.join('\n')); // a failed VM runs nothing more
    assert.match(await registry.metrics(), new RegExp(`sluice_wasm_vm_failures_total\\{filter="ender",kind="trap",callback="proxy_on_${cb}"\\} 1`));
    assert.ok(failedReply(drive(c, 'ok')));
  });
}

test('failures: an infinite loop is stopped by the callback budget and counted', async () => {
  const { plugin, registry, logs } = await load('req_headers ?x-mode=loop loop', { callback_timeout: '20ms', name: 'spinner' });
  const sink = drive(chain([plugin]), 'loop');
  assert.ok(failedReply(sink));
  assert.match(await registry.metrics(), /sluice_wasm_vm_failures_total\{filter="spinner",kind="budget_exceeded",callback="proxy_on_request_headers"\} 1/);
  assert.ok(logs.lines.some((l) => /spinner failed in proxy_on_request_headers: budget_exceeded: callback exceeded its 20ms budget/.test(l.msg)));
});

test('failures: growing memory past memory_limit_mb fails the VM only', async () => {
  const { plugin, registry, logs } = await load('req_headers ?x-mode=hog hog', { memory_limit_mb: 4, name: 'hog' });
  const sink = drive(chain([plugin]), 'hog');
  assert.ok(failedReply(sink));
  assert.ok(!logs.wasm().some((l) => l.startsWith('hog survived')));
  const line = logs.lines.find((l) => l.level === 'error')!.msg;
  assert.match(line, /hog failed in proxy_on_request_headers: (memory_limit|abort|trap)/);
  assert.match(await registry.metrics(), /sluice_wasm_vm_failures_total\{filter="hog",kind="memory_limit"/);
});

test('failures: AssemblyScript abort fails the VM with the decoded message', async () => {
  const { plugin, logs } = await load('req_headers abort', { name: 'ab' });
  const sink = drive(chain([plugin]), 'x');
  assert.ok(failedReply(sink));
  assert.ok(logs.lines.some((l) => l.msg === 'wasm filter ab failed in proxy_on_request_headers: abort: abort: script abort at script.ts:1:2'));
});

test('failures: proc_exit fails the VM, never the process', async () => {
  const { plugin, logs } = await load('req_headers exit', { name: 'ex' });
  const sink = drive(chain([plugin]), 'x');
  assert.ok(failedReply(sink));
  assert.ok(logs.lines.some((l) => l.msg === 'wasm filter ex failed in proxy_on_request_headers: proc_exit: proc_exit(3)'));
});

test('failures: a trap in proxy_on_context_create fails the stream (fail_closed)', async () => {
  const { plugin } = await load('create trap', { name: 'cc' });
  assert.ok(failedReply(drive(chain([plugin]), 'x')));
});

test('failures: a trap in proxy_on_log affects later streams only', async () => {
  const { plugin } = await load('log trap', { name: 'lg', failure_policy: 'fail_closed' });
  const c = chain([plugin]);
  const first = drive(c, 'x');
  assert.deepEqual(first.names(), okEvents);
  assert.ok(failedReply(drive(c, 'x')));
});

test('failures: a trap in a tick callback fails the VM (fail_open then skips it)', async () => {
  const { plugin, logs } = await load('configure tickset 5\ntick trap\nreq_headers log alive', { name: 'tk', failure_policy: 'fail_open' });
  await new Promise<void>((resolve) => {
    const t = setInterval(() => {
      if (logs.lines.some((l) => l.level === 'error')) resolve(clearInterval(t));
    }, 5);
  });
  const sink = drive(chain([plugin]), 'x');
  assert.deepEqual(sink.names(), okEvents);
  assert.ok(!logs.wasm().includes('alive'));
  assert.ok(logs.lines.some((l) => l.msg.startsWith('wasm filter tk failed in proxy_on_tick: trap')));
});

test('failures: fail_reload keeps the old VM failed for its in-flight streams', async () => {
  const { plugin } = await load('req_body ?x-mode=trap trap\nreq_headers ?x-mode=slow ret 1', { name: 'rl', failure_policy: 'fail_reload' });
  const c = chain([plugin]);
  const sinkSlow = new RecordingSink();
  const slow = c.createStream(sinkSlow.info, sinkSlow, null);
  slow.decodeHeaders(reqHeaders(['x-mode', 'slow']), false); // paused on the first VM
  const failing = drive(c, 'trap');
  assert.ok(failedReply(failing));
  slow.decodeData(Buffer.from('x'), true);
  await settle();
  // the paused stream's VM is dead: when data reaches it the stream fails closed
  const next = drive(c, 'ok');
  assert.deepEqual(next.names(), okEvents);
});

test('failures: fail_reload backs off when the fresh VM fails again at once', async () => {
  const { plugin, registry } = await load('req_headers ?x-mode=trap trap', { name: 'bo', failure_policy: 'fail_reload' });
  const c = chain([plugin]);
  assert.ok(failedReply(drive(c, 'trap'))); // VM 1 fails
  assert.deepEqual(drive(c, 'ok').names(), okEvents); // VM 2 (immediate reload)
  assert.ok(failedReply(drive(c, 'trap'))); // VM 2 fails
  assert.ok(failedReply(drive(c, 'ok'))); // within the backoff: no new VM yet, fail closed
  assert.match(await registry.metrics(), /sluice_wasm_vm_reloads_total\{filter="bo"\} 1/);
});

for (const policy of ['fail_closed', 'fail_open'] as FailurePolicy[]) {
  test(`failures: a stream paused by a filter whose VM then fails in a tick gets ${policy}`, async () => {
    const { plugin } = await load('req_headers ret 1\nreq_headers tickset 5\ntick trap', { name: 'pz', failure_policy: policy });
    const sink = new RecordingSink();
    const s = chain([plugin]).createStream(sink.info, sink, null);
    s.decodeHeaders(reqHeaders(), true);
    assert.deepEqual(sink.names(), ['pause']);
    await until(() => sink.names().length > 2);
    if (policy === 'fail_open') assert.deepEqual(sink.names(), ['pause', 'resume', 'reqHeaders']);
    else assert.deepEqual(sink.events.slice(1), [['respHeaders', '503', false], ['respData', 'wasm filter failed', true]]);
  });
}

test('failures: unbounded recursion (stack overflow) fails the VM, not the process', async () => {
  const { plugin, logs } = await load('req_headers recurse', { name: 'deep' });
  assert.ok(failedReply(drive(chain([plugin]), 'x')));
  assert.ok(logs.lines.some((l) => /wasm filter deep failed in proxy_on_request_headers: (trap|budget_exceeded)/.test(l.msg)));
});
