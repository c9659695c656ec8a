/**
 * The gateway's Prometheus metrics, on a prom-client registry passed in.
 *
 * Every recording call runs per request, so nothing here goes through prom-client on that path:
 * counters and histograms are slot metrics (slot-metric.ts, slot-histogram.ts) that prom-client
 * reads at scrape time. Each listener's and cluster's series are resolved once and kept; after the
 * first request a call is a name compare (or a Map lookup when listeners alternate), an array
 * index and a few field increments, with no allocation.
 */
import { Gauge, collectDefaultMetrics } from 'prom-client';
import type { Registry } from 'prom-client';
import type { GatewayMetrics } from './contract.js';
import { SlotHistogram, type HistogramSeries } from './slot-histogram.js';
import { SlotValueMetric, registerSlotMetric, type ValueSeries } from './slot-metric.js';

/** Latency buckets in seconds: sub-millisecond resolution for a proxy, up to the 15 s route timeout and beyond. */
const DURATION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** status_class label values indexed by Math.floor(status / 100); index 0 and >5 fall back to "none". */
const STATUS_CLASSES = ['none', '1xx', '2xx', '3xx', '4xx', '5xx'] as const;

/** Upstream statuses below this get an array slot per cluster; others (never sent by undici) a Map entry. */
const STATUS_SLOTS = 600;

export interface GatewayMetricsOptions {
  /** Also collect Node process metrics (CPU, memory, event loop lag) prefixed `sluice_`. Default true. */
  defaultMetrics?: boolean;
}

/** The gateway's metric definitions, registered once per registry. */
interface Definitions {
  downstreamTotal: SlotValueMetric;
  downstreamDuration: SlotHistogram;
  upstreamTotal: SlotValueMetric;
  upstreamDuration: SlotHistogram;
  connectionsActive: SlotValueMetric;
  retries: SlotValueMetric;
}

/** A listener's series, resolved on its first recording. */
interface ListenerSlots {
  byClass: ValueSeries[];
  duration: HistogramSeries;
  connections: ValueSeries;
}

/** A cluster's series; per-status counters are resolved on each status's first try. */
interface ClusterSlots {
  name: string;
  byStatus: (ValueSeries | undefined)[];
  otherStatus: Map<number, ValueSeries>;
  duration: HistogramSeries;
  retries: ValueSeries;
}

function counter(registry: Registry, name: string, help: string, labelNames: string[], type: 'counter' | 'gauge' = 'counter'): SlotValueMetric {
  return registerSlotMetric(registry, name, SlotValueMetric, () => new SlotValueMetric({ name, help, type, labelNames }));
}

function histogram(registry: Registry, name: string, help: string, labelNames: string[]): SlotHistogram {
  return registerSlotMetric(registry, name, SlotHistogram, () => new SlotHistogram({ name, help, labelNames, buckets: DURATION_BUCKETS }));
}

function define(registry: Registry): Definitions {
  return {
    downstreamTotal: counter(registry, 'sluice_downstream_requests_total',
      'Downstream requests finished, by listener and response status class', ['listener', 'status_class']),
    downstreamDuration: histogram(registry, 'sluice_downstream_request_duration_seconds',
      'Time from request start to the end of the downstream response', ['listener']),
    upstreamTotal: counter(registry, 'sluice_upstream_requests_total',
      'Upstream tries finished, by cluster and status ("0" = no response: connect failure, reset, timeout)', ['cluster', 'status']),
    upstreamDuration: histogram(registry, 'sluice_upstream_request_duration_seconds',
      'Duration of each upstream try', ['cluster']),
    connectionsActive: counter(registry, 'sluice_downstream_connections_active',
      'Open downstream connections, by listener', ['listener'], 'gauge'),
    retries: counter(registry, 'sluice_upstream_retries_total',
      'Upstream retries attempted, by cluster', ['cluster']),
  };
}

/**
 * The per-request recorder. It keeps the last listener and cluster it saw: a gateway usually has
 * one or two of each, and comparing with the name string the caller passes every time (the
 * listener's or cluster's own name) is cheaper than hashing it into a Map.
 */
class SlotRecorder implements GatewayMetrics {
  private readonly listeners = new Map<string, ListenerSlots>();
  private readonly clusters = new Map<string, ClusterSlots>();
  private lastListenerName = '';
  private lastListener: ListenerSlots | undefined;
  private lastClusterName = '';
  private lastCluster: ClusterSlots | undefined;

  constructor(private readonly defs: Definitions) {}

  downstreamRequest(listener: string, status: number, durationMs: number): void {
    const l = this.listener(listener);
    const idx = (status / 100) | 0;
    l.byClass[idx >= 1 && idx <= 5 ? idx : 0]!.inc();
    l.duration.observe(durationMs / 1000);
  }

  upstreamRequest(cluster: string, status: number, durationMs: number): void {
    const c = this.cluster(cluster);
    const inRange = status >= 0 && status < STATUS_SLOTS && (status | 0) === status;
    const s = (inRange ? c.byStatus[status] : c.otherStatus.get(status)) ?? this.firstStatus(c, status, inRange);
    s.inc();
    c.duration.observe(durationMs / 1000);
  }

  downstreamConnectionOpened(listener: string): void {
    this.listener(listener).connections.inc();
  }

  downstreamConnectionClosed(listener: string): void {
    this.listener(listener).connections.dec();
  }

  upstreamRetry(cluster: string): void {
    this.cluster(cluster).retries.inc();
  }

  private listener(name: string): ListenerSlots {
    if (name === this.lastListenerName && this.lastListener) return this.lastListener;
    let l = this.listeners.get(name);
    if (!l) {
      const d = this.defs;
      l = {
        byClass: STATUS_CLASSES.map((cls) => d.downstreamTotal.series(name, cls)),
        duration: d.downstreamDuration.series(name),
        connections: d.connectionsActive.series(name),
      };
      this.listeners.set(name, l);
    }
    this.lastListenerName = name;
    this.lastListener = l;
    return l;
  }

  private cluster(name: string): ClusterSlots {
    if (name === this.lastClusterName && this.lastCluster) return this.lastCluster;
    let c = this.clusters.get(name);
    if (!c) {
      const d = this.defs;
      c = {
        name,
        byStatus: new Array<ValueSeries | undefined>(STATUS_SLOTS).fill(undefined),
        otherStatus: new Map(),
        duration: d.upstreamDuration.series(name),
        retries: d.retries.series(name),
      };
      this.clusters.set(name, c);
    }
    this.lastClusterName = name;
    this.lastCluster = c;
    return c;
  }

  /** Resolves the counter for a status this cluster has not returned before through this recorder. */
  private firstStatus(c: ClusterSlots, status: number, inRange: boolean): ValueSeries {
    const s = this.defs.upstreamTotal.series(c.name, String(status));
    if (inRange) c.byStatus[status] = s;
    else c.otherStatus.set(status, s);
    return s;
  }
}

/**
 * Registers the gateway metrics on `registry` and returns the recorder the connection manager
 * and proxy call per request. Safe to call again on the same registry: the metrics, and the
 * series behind them, are reused, so a reloaded gateway keeps counting where the last one was.
 */
export function createGatewayMetrics(registry: Registry, opts: GatewayMetricsOptions = {}): GatewayMetrics {
  const recorder = new SlotRecorder(define(registry));
  if (opts.defaultMetrics !== false && !registry.getSingleMetric('sluice_process_cpu_seconds_total')) {
    collectDefaultMetrics({ register: registry, prefix: 'sluice_' });
  }
  return recorder;
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
