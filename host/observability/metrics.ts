/**
 * The gateway's Prometheus metrics (prom-client), registered on a registry passed in.
 *
 * Every recording call runs per request, so label children are resolved once per label set and
 * kept in Maps: after the first request on a listener or cluster a call is a Map lookup and an
 * inc/observe, with no label-object allocation and no label hashing inside prom-client.
 */
import { Counter, Gauge, Histogram, collectDefaultMetrics } from 'prom-client';
import type { Registry } from 'prom-client';
import type { GatewayMetrics } from './contract.js';

/** Latency buckets in seconds: sub-millisecond resolution for a proxy, up to the 15 s route timeout and beyond. */
const DURATION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** status_class label values indexed by Math.floor(status / 100); index 0 and >5 fall back to "none". */
const STATUS_CLASSES = ['none', '1xx', '2xx', '3xx', '4xx', '5xx'] as const;

export interface GatewayMetricsOptions {
  /** Also collect Node process metrics (CPU, memory, event loop lag) prefixed `sluice_`. Default true. */
  defaultMetrics?: boolean;
}

type CounterChild = ReturnType<Counter<string>['labels']>;
type HistogramChild = ReturnType<Histogram<string>['labels']>;
type GaugeChild = ReturnType<Gauge<string>['labels']>;

interface DownstreamChildren {
  byClass: CounterChild[];
  duration: HistogramChild;
}

interface UpstreamChildren {
  byStatus: Map<number, CounterChild>;
  duration: HistogramChild;
  retries: CounterChild;
}

/**
 * Gets a metric already on `registry` (a second gateway or a reload on the same registry) or
 * registers a new one; prom-client throws on duplicate names otherwise.
 */
function reuse<T>(registry: Registry, name: string, make: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? make();
}

/**
 * Registers the gateway metrics on `registry` and returns the recorder the connection manager
 * and proxy call per request. Safe to call again on the same registry (metrics are reused).
 */
export function createGatewayMetrics(registry: Registry, opts: GatewayMetricsOptions = {}): GatewayMetrics {
  const registers = [registry];
  const downstreamTotal = reuse(registry, 'sluice_downstream_requests_total', () => new Counter({
    name: 'sluice_downstream_requests_total',
    help: 'Downstream requests finished, by listener and response status class',
    labelNames: ['listener', 'status_class'],
    registers,
  }));
  const downstreamDuration = reuse(registry, 'sluice_downstream_request_duration_seconds', () => new Histogram({
    name: 'sluice_downstream_request_duration_seconds',
    help: 'Time from request start to the end of the downstream response',
    labelNames: ['listener'],
    buckets: DURATION_BUCKETS,
    registers,
  }));
  const upstreamTotal = reuse(registry, 'sluice_upstream_requests_total', () => new Counter({
    name: 'sluice_upstream_requests_total',
    help: 'Upstream tries finished, by cluster and status ("0" = no response: connect failure, reset, timeout)',
    labelNames: ['cluster', 'status'],
    registers,
  }));
  const upstreamDuration = reuse(registry, 'sluice_upstream_request_duration_seconds', () => new Histogram({
    name: 'sluice_upstream_request_duration_seconds',
    help: 'Duration of each upstream try',
    labelNames: ['cluster'],
    buckets: DURATION_BUCKETS,
    registers,
  }));
  const connectionsActive = reuse(registry, 'sluice_downstream_connections_active', () => new Gauge({
    name: 'sluice_downstream_connections_active',
    help: 'Open downstream connections, by listener',
    labelNames: ['listener'],
    registers,
  }));
  const retries = reuse(registry, 'sluice_upstream_retries_total', () => new Counter({
    name: 'sluice_upstream_retries_total',
    help: 'Upstream retries attempted, by cluster',
    labelNames: ['cluster'],
    registers,
  }));
  if (opts.defaultMetrics !== false && !registry.getSingleMetric('sluice_process_cpu_seconds_total')) {
    collectDefaultMetrics({ register: registry, prefix: 'sluice_' });
  }

  const downstream = new Map<string, DownstreamChildren>();
  const upstream = new Map<string, UpstreamChildren>();
  const connections = new Map<string, GaugeChild>();

  const downstreamFor = (listener: string): DownstreamChildren => {
    let c = downstream.get(listener);
    if (!c) {
      c = {
        byClass: STATUS_CLASSES.map((cls) => downstreamTotal.labels(listener, cls)),
        duration: downstreamDuration.labels(listener),
      };
      downstream.set(listener, c);
    }
    return c;
  };
  const upstreamFor = (cluster: string): UpstreamChildren => {
    let c = upstream.get(cluster);
    if (!c) {
      c = { byStatus: new Map(), duration: upstreamDuration.labels(cluster), retries: retries.labels(cluster) };
      upstream.set(cluster, c);
    }
    return c;
  };
  const connectionsFor = (listener: string): GaugeChild => {
    let g = connections.get(listener);
    if (!g) {
      g = connectionsActive.labels(listener);
      connections.set(listener, g);
    }
    return g;
  };

  return {
    downstreamRequest(listener, status, durationMs) {
      const c = downstreamFor(listener);
      const idx = (status / 100) | 0;
      c.byClass[idx >= 1 && idx <= 5 ? idx : 0]!.inc();
      c.duration.observe(durationMs / 1000);
    },
    upstreamRequest(cluster, status, durationMs) {
      const c = upstreamFor(cluster);
      let counter = c.byStatus.get(status);
      if (!counter) {
        counter = upstreamTotal.labels(cluster, String(status));
        c.byStatus.set(status, counter);
      }
      counter.inc();
      c.duration.observe(durationMs / 1000);
    },
    downstreamConnectionOpened(listener) {
      connectionsFor(listener).inc();
    },
    downstreamConnectionClosed(listener) {
      connectionsFor(listener).dec();
    },
    upstreamRetry(cluster) {
      upstreamFor(cluster).retries.inc();
    },
  };
}

/**
 * Registers `sluice_upstream_connections{cluster}`, filled at scrape time from `collect` (the
 * upstream pools know their connection counts; nothing is recorded per request). Replaces a
 * gauge of that name registered earlier (e.g. by the previous config), so the latest collector wins.
 */
export function registerUpstreamConnectionsGauge(
  registry: Registry,
  collect: () => { cluster: string; connected: number }[],
): void {
  const name = 'sluice_upstream_connections';
  if (registry.getSingleMetric(name)) registry.removeSingleMetric(name);
  new Gauge({
    name,
    help: 'Open upstream connections, by cluster (sampled at scrape time)',
    labelNames: ['cluster'],
    registers: [registry],
    collect() {
      this.reset();
      for (const { cluster, connected } of collect()) this.labels(cluster).set(connected);
    },
  });
}
