import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RouteActionConfig } from '../../host/config/types.js';
import { buildRouter } from '../../host/router/build.js';
import { asCluster, oneHost, req, routeOf } from './route-config.js';

function clusterRoute(action: Omit<RouteActionConfig, 'cluster'>) {
  return asCluster(routeOf(oneHost([{ match: { prefix: '/' }, route: { cluster: 'c', ...action } }]), req('/')));
}

test('route timeout defaults to 15s', () => {
  assert.equal(clusterRoute({}).timeoutMs, 15_000);
});

test('route timeout "0s" means none', () => {
  assert.equal(clusterRoute({ timeout: '0s' }).timeoutMs, 0);
});

test('route timeout is parsed from its unit', () => {
  assert.equal(clusterRoute({ timeout: '1.5s' }).timeoutMs, 1500);
});

test('a route without retry_policy has none', () => {
  assert.equal(clusterRoute({}).retryPolicy, undefined);
});

test('retry_on as a comma string sets each condition, spaces allowed', () => {
  const p = clusterRoute({ retry_policy: { retry_on: '5xx, connect-failure,reset' } }).retryPolicy!;
  assert.equal(p.retryOn5xx, true);
  assert.equal(p.retryOnConnectFailure, true);
  assert.equal(p.retryOnReset, true);
  assert.equal(p.retryOnGatewayError, false);
  assert.equal(p.retryOnRetriable4xx, false);
});

test('retry_on as a list sets each condition', () => {
  const p = clusterRoute({ retry_policy: { retry_on: ['gateway-error', 'retriable-4xx'] } }).retryPolicy!;
  assert.equal(p.retryOnGatewayError, true);
  assert.equal(p.retryOnRetriable4xx, true);
  assert.equal(p.retryOn5xx, false);
});

test('retry defaults: 1 retry, no per-try timeout, 25ms base, 10x max', () => {
  const p = clusterRoute({ retry_policy: { retry_on: '5xx' } }).retryPolicy!;
  assert.deepEqual(
    { n: p.numRetries, perTry: p.perTryTimeoutMs, base: p.baseIntervalMs, max: p.maxIntervalMs },
    { n: 1, perTry: 0, base: 25, max: 250 },
  );
});

test('retry settings are taken from config', () => {
  const p = clusterRoute({
    retry_policy: { retry_on: '5xx', num_retries: 3, per_try_timeout: '2s', retry_back_off: { base_interval: '100ms', max_interval: '1s' } },
  }).retryPolicy!;
  assert.deepEqual(
    { n: p.numRetries, perTry: p.perTryTimeoutMs, base: p.baseIntervalMs, max: p.maxIntervalMs },
    { n: 3, perTry: 2000, base: 100, max: 1000 },
  );
});

test('max_interval defaults to 10x a configured base_interval', () => {
  const p = clusterRoute({ retry_policy: { retry_on: '5xx', retry_back_off: { base_interval: '50ms' } } }).retryPolicy!;
  assert.equal(p.maxIntervalMs, 500);
});

test('an unknown retry_on condition is a load error naming it', () => {
  const rc = oneHost([{ match: { prefix: '/' }, route: { cluster: 'c', retry_policy: { retry_on: '5xx,teapot' } } }]);
  assert.throws(() => buildRouter(rc), /routes\[0\]\.route\.retry_policy\.retry_on: unknown condition "teapot"/);
});

test('max_interval below base_interval is a load error', () => {
  const rc = oneHost([
    { match: { prefix: '/' }, route: { cluster: 'c', retry_policy: { retry_on: '5xx', retry_back_off: { base_interval: '1s', max_interval: '10ms' } } } },
  ]);
  assert.throws(() => buildRouter(rc), /max_interval/);
});

test('a malformed timeout is a load error', () => {
  assert.throws(() => buildRouter(oneHost([{ match: { prefix: '/' }, route: { cluster: 'c', timeout: '5' } }])), /route\.timeout: not a duration/);
});
