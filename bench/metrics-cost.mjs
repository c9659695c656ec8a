#!/usr/bin/env node
// What the gateway metrics cost per proxied request: ns per downstreamRequest + upstreamRequest
// pair, as the connection manager and the proxy call them (one listener, one cluster, mostly 200s,
// durations spread over the histogram buckets). Needs `npx tsc -p .` first (imports dist/).
//   node bench/metrics-cost.mjs [--iterations 1000000] [--runs 3] [--baseline]
// --baseline also times the same calls on prom-client's own Counter/Histogram with label children
// resolved once per label set (how createGatewayMetrics recorded before it kept plain slots).
import { parseArgs } from 'node:util';
import { Counter, Histogram, Registry } from 'prom-client';
import { createGatewayMetrics } from '../dist/host/observability/metrics.js';

const { values } = parseArgs({
  options: {
    iterations: { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '3' },
    baseline: { type: 'boolean', default: false },
  },
});
const iterations = Math.min(Number(values.iterations), 1e7);
const runs = Math.min(Number(values.runs), 10);

// Precomputed inputs so the loop measures the recording, not input generation: 1 in 64 requests
// is a 503, durations in ms cycle through 0.2 ms .. 40 ms.
const N = 1024;
const statuses = Array.from({ length: N }, (_, i) => (i % 64 === 63 ? 503 : 200));
const durations = Array.from({ length: N }, (_, i) => 0.2 + ((i * 37) % N) * (40 / N));

/** The old recorder: prom-client metrics, label children cached per label set. */
function promClientRecorder(registry) {
  const buckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
  const registers = [registry];
  const dTotal = new Counter({ name: 'd_total', help: 'd', labelNames: ['listener', 'status_class'], registers });
  const dDur = new Histogram({ name: 'd_seconds', help: 'd', labelNames: ['listener'], buckets, registers });
  const uTotal = new Counter({ name: 'u_total', help: 'u', labelNames: ['cluster', 'status'], registers });
  const uDur = new Histogram({ name: 'u_seconds', help: 'u', labelNames: ['cluster'], buckets, registers });
  const classes = ['none', '1xx', '2xx', '3xx', '4xx', '5xx'];
  const down = new Map();
  const up = new Map();
  return {
    downstreamRequest(listener, status, ms) {
      let c = down.get(listener);
      if (!c) down.set(listener, (c = { byClass: classes.map((k) => dTotal.labels(listener, k)), dur: dDur.labels(listener) }));
      const idx = (status / 100) | 0;
      c.byClass[idx >= 1 && idx <= 5 ? idx : 0].inc();
      c.dur.observe(ms / 1000);
    },
    upstreamRequest(cluster, status, ms) {
      let c = up.get(cluster);
      if (!c) up.set(cluster, (c = { byStatus: new Map(), dur: uDur.labels(cluster) }));
      let k = c.byStatus.get(status);
      if (!k) c.byStatus.set(status, (k = uTotal.labels(cluster, String(status))));
      k.inc();
      c.dur.observe(ms / 1000);
    },
  };
}

function loop(m, n) {
  for (let i = 0; i < n; i++) {
    const j = i & (N - 1);
    m.downstreamRequest('public', statuses[j], durations[j]);
    m.upstreamRequest('backend', statuses[j], durations[j]);
  }
}

/** ns per pair for `runs` timed loops of `iterations`, after an untimed warm-up. */
function time(label, m) {
  loop(m, Math.min(iterations, 100_000));
  const out = [];
  for (let r = 0; r < runs; r++) {
    const t0 = process.hrtime.bigint();
    loop(m, iterations);
    out.push(Number(process.hrtime.bigint() - t0) / iterations);
  }
  console.log(`${label}: ${out.map((ns) => ns.toFixed(1)).join(' / ')} ns per downstream+upstream pair (${iterations} iterations × ${runs} runs)`);
}

if (values.baseline) time('prom-client children', promClientRecorder(new Registry()));
const registry = new Registry();
const metrics = createGatewayMetrics(registry, { defaultMetrics: false });
time('createGatewayMetrics ', metrics);
// A scrape after the loop, so a recorder that dropped data would show here.
const text = await registry.metrics();
const count = text.split('\n').find((l) => l.startsWith('sluice_downstream_request_duration_seconds_count'));
console.log(`scrape: ${count}`);
