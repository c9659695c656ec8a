import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RetryPolicy } from '../../host/router/contract.js';
import { backoffMs, retriableFailure, retriableStatus } from '../../host/http/retry-state.js';
import { classifyUpstreamError } from '../../host/http/upstream-failure.js';

const policy = (p: Partial<RetryPolicy>): RetryPolicy => ({
  retryOn5xx: false,
  retryOnGatewayError: false,
  retryOnConnectFailure: false,
  retryOnReset: false,
  retryOnRetriable4xx: false,
  numRetries: 1,
  perTryTimeoutMs: 0,
  baseIntervalMs: 25,
  maxIntervalMs: 250,
  ...p,
});

test('gateway-error retries 502/503/504 only; 5xx retries any 5xx; retriable-4xx is 409', () => {
  const gw = policy({ retryOnGatewayError: true });
  assert.deepEqual([500, 502, 503, 504].map((s) => retriableStatus(gw, s)), [false, true, true, true]);
  assert.ok(retriableStatus(policy({ retryOn5xx: true }), 500));
  assert.ok(retriableStatus(policy({ retryOnRetriable4xx: true }), 409));
  assert.ok(!retriableStatus(policy({ retryOnRetriable4xx: true }), 404));
});

test('connect-failure and reset are separate conditions; 5xx covers both', () => {
  const cf = policy({ retryOnConnectFailure: true });
  assert.ok(retriableFailure(cf, 'connect_failure'));
  assert.ok(!retriableFailure(cf, 'reset'));
  assert.ok(retriableFailure(policy({ retryOnReset: true }), 'reset'));
  assert.ok(retriableFailure(policy({ retryOn5xx: true }), 'per_try_timeout'));
});

test('back-off is full jitter under (2^n - 1) x base, capped at max_interval', () => {
  const p = policy({});
  assert.equal(backoffMs(p, 1, () => 0.999), 24);
  assert.equal(backoffMs(p, 2, () => 0.5), 37);
  assert.equal(backoffMs(p, 10, () => 0.999), 249);
  assert.equal(backoffMs(p, 3, () => 0), 0);
});

test('undici errors are classified as connect failure, timeout or reset', () => {
  assert.equal(classifyUpstreamError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }), false), 'connect_failure');
  assert.equal(classifyUpstreamError(Object.assign(new Error('x'), { code: 'UND_ERR_CONNECT_TIMEOUT' }), false), 'connect_failure');
  assert.equal(classifyUpstreamError(Object.assign(new Error('x'), { code: 'UND_ERR_HEADERS_TIMEOUT' }), true), 'timeout');
  assert.equal(classifyUpstreamError(Object.assign(new Error('x'), { code: 'UND_ERR_SOCKET' }), true), 'reset');
  assert.equal(classifyUpstreamError(Object.assign(new Error('x'), { code: 'ECONNRESET' }), false), 'connect_failure');
  assert.equal(classifyUpstreamError(new Error('parser'), true), 'reset');
});
