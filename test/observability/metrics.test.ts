import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { Registry } from 'prom-client';
import { createGatewayMetrics, registerUpstreamConnectionsGauge } from '../../host/observability/metrics.js';

/** The value of one sample line (`name{labels} value`) in the exposition text, or undefined. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(series + ' '));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

test('downstream requests are counted by listener and status class', async () => {
  const registry = new Registry();
  const m = createGatewayMetrics(registry, { defaultMetrics: false });
  m.downstreamRequest('public', 200, 1);
  m.downstreamRequest('public', 204, 1);
  m.downstreamRequest('public', 503, 1);
  m.downstreamRequest('internal', 404, 1);
  const text = await registry.metrics();
  assert.equal(sample(text, 'sluice_downstream_requests_total{listener="public",status_class="2xx"}'), 2);
  assert.equal(sample(text, 'sluice_downstream_requests_total{listener="public",status_class="5xx"}'), 1);
  assert.equal(sample(text, 'sluice_downstream_requests_total{listener="internal",status_class="4xx"}'), 1);
  assert.equal(sample(text, 'sluice_downstream_request_duration_seconds_count{listener="public"}'), 3);
});

test('request durations are observed in seconds', async () => {
  const registry = new Registry();
  const m = createGatewayMetrics(registry, { defaultMetrics: false });
  m.downstreamRequest('public', 200, 250);
  m.upstreamRequest('backend', 200, 500);
  const text = await registry.metrics();
  assert.equal(sample(text, 'sluice_downstream_request_duration_seconds_sum{listener="public"}'), 0.25);
  assert.equal(sample(text, 'sluice_downstream_request_duration_seconds_bucket{le="0.25",listener="public"}'), 1);
  assert.equal(sample(text, 'sluice_downstream_request_duration_seconds_bucket{le="0.1",listener="public"}'), 0);
  assert.equal(sample(text, 'sluice_upstream_request_duration_seconds_sum{cluster="backend"}'), 0.5);
});

test('upstream tries are counted by cluster and exact status, "0" for no response', async () => {
  const registry = new Registry();
  const m = createGatewayMetrics(registry, { defaultMetrics: false });
  m.upstreamRequest('backend', 200, 1);
  m.upstreamRequest('backend', 200, 1);
  m.upstreamRequest('backend', 0, 1);
  m.upstreamRetry('backend');
  const text = await registry.metrics();
  assert.equal(sample(text, 'sluice_upstream_requests_total{cluster="backend",status="200"}'), 2);
  assert.equal(sample(text, 'sluice_upstream_requests_total{cluster="backend",status="0"}'), 1);
  assert.equal(sample(text, 'sluice_upstream_retries_total{cluster="backend"}'), 1);
});

test('active downstream connections go up and down', async () => {
  const registry = new Registry();
  const m = createGatewayMetrics(registry, { defaultMetrics: false });
  m.downstreamConnectionOpened('public');
  m.downstreamConnectionOpened('public');
  m.downstreamConnectionClosed('public');
  assert.equal(sample(await registry.metrics(), 'sluice_downstream_connections_active{listener="public"}'), 1);
});

test('upstream connections are read from the collector at scrape time; the latest collector wins', async () => {
  const registry = new Registry();
  let connected = 3;
  registerUpstreamConnectionsGauge(registry, () => [{ cluster: 'old', connected: 9 }]);
  registerUpstreamConnectionsGauge(registry, () => [{ cluster: 'backend', connected }]);
  assert.equal(sample(await registry.metrics(), 'sluice_upstream_connections{cluster="backend"}'), 3);
  connected = 5;
  const text = await registry.metrics();
  assert.equal(sample(text, 'sluice_upstream_connections{cluster="backend"}'), 5);
  assert.equal(sample(text, 'sluice_upstream_connections{cluster="old"}'), undefined);
});

test('a second createGatewayMetrics on the same registry reuses the metrics', async () => {
  const registry = new Registry();
  createGatewayMetrics(registry).downstreamRequest('public', 200, 1);
  createGatewayMetrics(registry).downstreamRequest('public', 200, 1);
  const text = await registry.metrics();
  assert.equal(sample(text, 'sluice_downstream_requests_total{listener="public",status_class="2xx"}'), 2);
  assert.match(text, /^sluice_process_cpu_seconds_total /m);
});
