/**
 * A histogram that records into plain per-series arrays and publishes at scrape time, with the
 * values prom-client's own Histogram produces (see slot-metric.ts for why).
 */
import { SlotMetric, type MetricSnapshot, type SampleValue, type SeriesLabels } from './slot-metric.js';

/**
 * A histogram sample before `get()` moves the series labels into `labels`: what prom-client's
 * Histogram gives the Registry for the text format (`getForPromString`), where `sharedLabels`
 * is the same object for every sample of a series (the Registry caches its formatting).
 */
interface SplitSample {
  value: number;
  labels: Record<string, string | number>;
  sharedLabels: SeriesLabels;
  metricName: string;
  exemplar: null | undefined;
}

/** One histogram series: the object the recorder keeps and observes into. */
export class HistogramSeries {
  /** Observations per bucket, not cumulative; the last slot counts those above every bound. */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;
  private shown = false;

  constructor(
    readonly labels: SeriesLabels,
    private readonly bounds: readonly number[],
    private readonly published: HistogramSeries[],
  ) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  /**
   * Records `value` (seconds). A non-finite value is dropped: prom-client would throw, and the
   * data path never throws.
   */
  observe(value: number): void {
    if (!Number.isFinite(value)) return;
    // Linear scan: a dozen bounds, and proxy latencies mostly land in the first few.
    const bounds = this.bounds;
    const n = bounds.length;
    let i = 0;
    while (i < n && value > bounds[i]!) i++;
    this.counts[i]!++;
    this.sum += value;
    this.count++;
    if (!this.shown) {
      this.shown = true;
      this.published.push(this);
    }
  }

  clear(): void {
    this.counts.fill(0);
    this.sum = 0;
    this.count = 0;
    this.shown = false;
  }
}

/** A histogram with labels and fixed bucket bounds (seconds, ascending, without +Inf). */
export class SlotHistogram extends SlotMetric<HistogramSeries> {
  readonly buckets: readonly number[];

  constructor(opts: { name: string; help: string; labelNames: readonly string[]; buckets: readonly number[] }) {
    super(opts.name, opts.help, 'histogram', opts.labelNames);
    this.buckets = [...opts.buckets];
  }

  /** For the text format: series labels kept apart, as prom-client's Histogram does. */
  async getForPromString(): Promise<MetricSnapshot<SplitSample>> {
    return { name: this.name, help: this.help, type: this.type, values: this.samples(), aggregator: this.aggregator };
  }

  /** For getMetricsAsJSON() and worker aggregation: each sample's labels are `le` then the series labels. */
  async get(): Promise<MetricSnapshot> {
    const values = this.samples().map(({ value, metricName, exemplar, labels, sharedLabels }): SampleValue => ({
      value,
      metricName,
      exemplar,
      labels: Object.assign(labels, sharedLabels),
    }));
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  protected makeSeries(labels: SeriesLabels, published: HistogramSeries[]): HistogramSeries {
    return new HistogramSeries(labels, this.buckets, published);
  }

  /** `_bucket` samples (cumulative, then +Inf), `_sum` and `_count` for every published series. */
  private samples(): SplitSample[] {
    const bucket = `${this.name}_bucket`;
    const out: SplitSample[] = [];
    for (const s of this.published) {
      let acc = 0;
      for (let i = 0; i < this.buckets.length; i++) {
        acc += s.counts[i]!;
        out.push({ labels: { le: this.buckets[i]! }, sharedLabels: s.labels, value: acc, metricName: bucket, exemplar: null });
      }
      out.push(
        { labels: { le: '+Inf' }, sharedLabels: s.labels, value: s.count, metricName: bucket, exemplar: null },
        { labels: {}, sharedLabels: s.labels, value: s.sum, metricName: `${this.name}_sum`, exemplar: undefined },
        { labels: {}, sharedLabels: s.labels, value: s.count, metricName: `${this.name}_count`, exemplar: undefined },
      );
    }
    return out;
  }
}
