import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { AggregatorRegistry, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { GatewayMetrics } from '../../host/observability/contract.js';
import { createGatewayMetrics } from '../../host/observability/metrics.js';

/** The value of one sample line (`name{labels} value`) in the exposition text, or undefined. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(series + ' '));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** A fixed sequence of recordings: bucket bounds hit exactly, a value above every bound, two status classes. */
function record(m: GatewayMetrics): void {
  m.downstreamConnectionOpened('public');
  m.downstreamConnectionOpened('public');
  m.downstreamConnectionClosed('public');
  m.downstreamRequest('public', 503, 500);
  m.downstreamRequest('public', 200, 250);
  m.downstreamRequest('public', 201, 40_000);
  m.upstreamRequest('backend', 200, 2);
  m.upstreamRequest('backend', 0, 1000);
  m.upstreamRetry('backend');
}

const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** The same metrics on prom-client's own classes, recorded the way createGatewayMetrics used to. */
function promClientReference(registry: Registry): GatewayMetrics {
  const registers = [registry];
  const dTotal = new Counter({ name: 'sluice_downstream_requests_total', help: 'Downstream requests finished, by listener and response status class', labelNames: ['listener', 'status_class'], registers });
  const dDur = new Histogram({ name: 'sluice_downstream_request_duration_seconds', help: 'Time from request start to the end of the downstream response', labelNames: ['listener'], buckets: BUCKETS, registers });
  const uTotal = new Counter({ name: 'sluice_upstream_requests_total', help: 'Upstream tries finished, by cluster and status ("0" = no response: connect failure, reset, timeout)', labelNames: ['cluster', 'status'], registers });
  const uDur = new Histogram({ name: 'sluice_upstream_request_duration_seconds', help: 'Duration of each upstream try', labelNames: ['cluster'], buckets: BUCKETS, registers });
  const conns = new Gauge({ name: 'sluice_downstream_connections_active', help: 'Open downstream connections, by listener', labelNames: ['listener'], registers });
  const retries = new Counter({ name: 'sluice_upstream_retries_total', help: 'Upstream retries attempted, by cluster', labelNames: ['cluster'], registers });
  const cls = (s: number): string => ['none', '1xx', '2xx', '3xx', '4xx', '5xx'][(s / 100) | 0] ?? 'none';
  return {
    downstreamRequest: (l, s, ms) => { dTotal.labels(l, cls(s)).inc(); dDur.labels(l).observe(ms / 1000); },
    upstreamRequest: (c, s, ms) => { uTotal.labels(c, String(s)).inc(); uDur.labels(c).observe(ms / 1000); },
    downstreamConnectionOpened: (l) => conns.labels(l).inc(),
    downstreamConnectionClosed: (l) => conns.labels(l).dec(),
    upstreamRetry: (c) => retries.labels(c).inc(),
  };
}

/** The histogram's exposition lines for one series: cumulative `counts` per BUCKETS bound, then +Inf, _sum, _count. */
function histogramLines(name: string, label: string, counts: number[], sum: number): string[] {
  const lines = BUCKETS.map((le, i) => `${name}_bucket{le="${le}",${label}} ${counts[i]}`);
  const count = counts[counts.length - 1]!;
  return [...lines, `${name}_bucket{le="+Inf",${label}} ${count}`, `${name}_sum{${label}} ${sum}`, `${name}_count{${label}} ${count}`];
}

test('the exposition text for a known sequence of recordings is exact', async () => {
  const registry = new Registry();
  record(createGatewayMetrics(registry, { defaultMetrics: false }));
  //                     0.0005 .001 .0025 .005 .01 .025 .05 .1 .25 .5  1  2.5 5  10 30 (+Inf = count)
  const downstream = [0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 2, 2, 2, 2, 2, 3];
  const upstream = [0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2];
  const expected = [
    '# HELP sluice_downstream_requests_total Downstream requests finished, by listener and response status class',
    '# TYPE sluice_downstream_requests_total counter',
    'sluice_downstream_requests_total{listener="public",status_class="5xx"} 1',
    'sluice_downstream_requests_total{listener="public",status_class="2xx"} 2',
    '',
    '# HELP sluice_downstream_request_duration_seconds Time from request start to the end of the downstream response',
    '# TYPE sluice_downstream_request_duration_seconds histogram',
    ...histogramLines('sluice_downstream_request_duration_seconds', 'listener="public"', downstream, 40.75),
    '',
    '# HELP sluice_upstream_requests_total Upstream tries finished, by cluster and status ("0" = no response: connect failure, reset, timeout)',
    '# TYPE sluice_upstream_requests_total counter',
    'sluice_upstream_requests_total{cluster="backend",status="200"} 1',
    'sluice_upstream_requests_total{cluster="backend",status="0"} 1',
    '',
    '# HELP sluice_upstream_request_duration_seconds Duration of each upstream try',
    '# TYPE sluice_upstream_request_duration_seconds histogram',
    ...histogramLines('sluice_upstream_request_duration_seconds', 'cluster="backend"', upstream, 0.002 + 1),
    '',
    '# HELP sluice_downstream_connections_active Open downstream connections, by listener',
    '# TYPE sluice_downstream_connections_active gauge',
    'sluice_downstream_connections_active{listener="public"} 1',
    '',
    '# HELP sluice_upstream_retries_total Upstream retries attempted, by cluster',
    '# TYPE sluice_upstream_retries_total counter',
    'sluice_upstream_retries_total{cluster="backend"} 1',
    '',
  ].join('\n');
  assert.equal(await registry.metrics(), expected);
});

test('the exposition text and JSON match prom-client\'s own metrics recording the same sequence', async () => {
  const ours = new Registry();
  const reference = new Registry();
  record(createGatewayMetrics(ours, { defaultMetrics: false }));
  record(promClientReference(reference));
  assert.equal(await ours.metrics(), await reference.metrics());
  // Through JSON, as worker registries travel over IPC to the primary.
  const json = async (r: Registry): Promise<unknown> => JSON.parse(JSON.stringify(await r.getMetricsAsJSON()));
  assert.deepEqual(await json(ours), await json(reference));
});

test('AggregatorRegistry.aggregate over two worker registries sums counters, buckets, _sum and _count', async () => {
  const one = new Registry();
  const two = new Registry();
  const m1 = createGatewayMetrics(one, { defaultMetrics: false });
  const m2 = createGatewayMetrics(two, { defaultMetrics: false });
  m1.downstreamRequest('public', 200, 250);
  m1.upstreamRequest('backend', 200, 2);
  m2.downstreamRequest('public', 200, 500);
  m2.downstreamRequest('public', 404, 40_000);
  m2.upstreamRequest('backend', 200, 3);
  const text = await AggregatorRegistry.aggregate([await one.getMetricsAsJSON(), await two.getMetricsAsJSON()]).metrics();
  assert.equal(sample(text, 'sluice_downstream_requests_total{listener="public",status_class="2xx"}'), 2);
  assert.equal(sample(text, 'sluice_downstream_requests_total{listener="public",status_class="4xx"}'), 1);
  assert.equal(sample(text, 'sluice_downstream_request_duration_seconds_bucket{le="0.25",listener="public"}'), 1);
  assert.equal(sample(text, 'sluice_downstream_request_duration_seconds_bucket{le="0.5",listener="public"}'), 2);
  assert.equal(sample(text, 'sluice_downstream_request_duration_seconds_bucket{le="+Inf",listener="public"}'), 3);
  assert.equal(sample(text, 'sluice_downstream_request_duration_seconds_sum{listener="public"}'), 40.75);
  assert.equal(sample(text, 'sluice_downstream_request_duration_seconds_count{listener="public"}'), 3);
  assert.equal(sample(text, 'sluice_upstream_requests_total{cluster="backend",status="200"}'), 2);
  assert.equal(sample(text, 'sluice_upstream_request_duration_seconds_bucket{le="0.0025",cluster="backend"}'), 1);
  assert.equal(sample(text, 'sluice_upstream_request_duration_seconds_bucket{le="0.005",cluster="backend"}'), 2);
  assert.equal(sample(text, 'sluice_upstream_request_duration_seconds_count{cluster="backend"}'), 2);
});

test('a non-finite duration is not observed and does not throw; the request is still counted', async () => {
  const registry = new Registry();
  const m = createGatewayMetrics(registry, { defaultMetrics: false });
  m.downstreamRequest('public', 200, NaN);
  m.upstreamRequest('backend', 200, Infinity);
  const text = await registry.metrics();
  assert.equal(sample(text, 'sluice_downstream_requests_total{listener="public",status_class="2xx"}'), 1);
  assert.equal(sample(text, 'sluice_downstream_request_duration_seconds_count{listener="public"}'), undefined);
  assert.equal(sample(text, 'sluice_upstream_requests_total{cluster="backend",status="200"}'), 1);
  assert.equal(sample(text, 'sluice_upstream_request_duration_seconds_count{cluster="backend"}'), undefined);
});

test('resetMetrics hides every series until it is recorded again through the same recorder', async () => {
  const registry = new Registry();
  const m = createGatewayMetrics(registry, { defaultMetrics: false });
  m.downstreamRequest('public', 200, 1);
  m.downstreamRequest('public', 503, 1);
  registry.resetMetrics();
  assert.equal(sample(await registry.metrics(), 'sluice_downstream_requests_total{listener="public",status_class="2xx"}'), undefined);
  m.downstreamRequest('public', 200, 1);
  const text = await registry.metrics();
  assert.equal(sample(text, 'sluice_downstream_requests_total{listener="public",status_class="2xx"}'), 1);
  assert.equal(sample(text, 'sluice_downstream_requests_total{listener="public",status_class="5xx"}'), undefined);
  assert.equal(sample(text, 'sluice_downstream_request_duration_seconds_count{listener="public"}'), 1);
});

test('listeners and clusters recorded alternately each keep their own series', async () => {
  const registry = new Registry();
  const m = createGatewayMetrics(registry, { defaultMetrics: false });
  for (let i = 0; i < 3; i++) {
    m.downstreamRequest('public', 200, 1);
    m.downstreamRequest('internal', 200, 1);
    m.upstreamRequest('a', 200, 1);
    m.upstreamRequest('b', 1000, 1);
  }
  const text = await registry.metrics();
  assert.equal(sample(text, 'sluice_downstream_requests_total{listener="public",status_class="2xx"}'), 3);
  assert.equal(sample(text, 'sluice_downstream_requests_total{listener="internal",status_class="2xx"}'), 3);
  assert.equal(sample(text, 'sluice_upstream_requests_total{cluster="a",status="200"}'), 3);
  assert.equal(sample(text, 'sluice_upstream_requests_total{cluster="b",status="1000"}'), 3);
});
