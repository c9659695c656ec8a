import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { RestartBackoff } from '../../host/process/backoff.js';

test('restart delay doubles from 100 ms per early death and is capped at 30 s', () => {
  const b = new RestartBackoff();
  const delays = Array.from({ length: 12 }, () => b.delayAfter(1000));
  assert.deepEqual(delays, [100, 200, 400, 800, 1600, 3200, 6400, 12800, 25600, 30000, 30000, 30000]);
});

test('a worker that stayed up 60 s resets the restart delay', () => {
  const b = new RestartBackoff();
  for (let i = 0; i < 6; i++) b.delayAfter(10);
  assert.equal(b.delayAfter(60_000), 100);
  assert.equal(b.delayAfter(10), 200);
});

test('backoff bounds are configurable', () => {
  const b = new RestartBackoff({ initialMs: 10, maxMs: 25, resetAfterMs: 5 });
  assert.deepEqual([b.delayAfter(0), b.delayAfter(0), b.delayAfter(0), b.delayAfter(5)], [10, 20, 25, 10]);
});
