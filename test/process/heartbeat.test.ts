import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { HeartbeatMonitor } from '../../host/process/heartbeat.js';

test('a worker that answers every ping is never declared stuck', () => {
  const h = new HeartbeatMonitor();
  for (let i = 0; i < 20; i++) {
    const v = h.tick();
    assert.equal(v.kind, 'ping');
    if (v.kind === 'ping') h.pong(v.seq);
  }
});

test('five unanswered pings in a row make the worker stuck', () => {
  const h = new HeartbeatMonitor();
  const verdicts = Array.from({ length: 6 }, () => h.tick().kind);
  assert.deepEqual(verdicts, ['ping', 'ping', 'ping', 'ping', 'ping', 'stuck']);
});

test('a late pong (for an older ping) resets the miss count', () => {
  const h = new HeartbeatMonitor({ maxMissed: 3 });
  const first = h.tick();
  h.tick();
  h.tick();
  assert.equal(h.missedCount, 2);
  if (first.kind === 'ping') h.pong(first.seq);
  assert.equal(h.missedCount, 0);
  assert.equal(h.tick().kind, 'ping');
});

test('a per-tick limit overrides maxMissed (more slack while a worker starts)', () => {
  const h = new HeartbeatMonitor({ maxMissed: 2 });
  const kinds = Array.from({ length: 4 }, () => h.tick(4).kind);
  assert.deepEqual(kinds, ['ping', 'ping', 'ping', 'ping']);
  assert.equal(h.tick(4).kind, 'stuck');
  assert.equal(h.tick().kind, 'stuck');
});
