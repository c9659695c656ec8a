/**
 * Metrics that record into plain per-label-set slots and publish to prom-client only when the
 * registry is read (a scrape, or `getMetricsAsJSON()` for worker aggregation).
 *
 * prom-client hashes the label object and validates it on every `inc`/`observe` (~1.5–2.7 µs per
 * call, most of the gateway's metrics cost). Here the label set is resolved once into a series
 * object the recorder keeps, and a recording is a field increment. The objects below implement
 * the part of prom-client's metric interface that `Registry` and `AggregatorRegistry` use (`name`,
 * `help`, `type`, `aggregator`, `get()`, `reset()`) and produce the same values prom-client's own
 * Counter and Gauge would, so the exposition text and the aggregated worker view are unchanged.
 */
import type { Metric, Registry } from 'prom-client';

/** Label name → value for one series, in the metric's label-name order (the exposition order). */
export type SeriesLabels = Readonly<Record<string, string>>;

/** One sample in the shape prom-client metrics return from `get()`. */
export interface SampleValue {
  value: number;
  labels: Record<string, string | number>;
  metricName?: string;
  exemplar?: null;
}

/** What `get()` resolves to: the shape `Registry.getMetricsAsJSON()` and `AggregatorRegistry.aggregate()` read. */
export interface MetricSnapshot<V = SampleValue> {
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'histogram';
  values: V[];
  aggregator: 'sum';
}

/** Something that can go back to "never recorded" when the registry is reset. */
interface Resettable {
  clear(): void;
}

/**
 * The parts every slot metric shares: its prom-client identity, the series resolved so far and
 * the series published so far (in first-recording order, as prom-client lists them).
 */
export abstract class SlotMetric<S extends Resettable> {
  /** Read by Registry; OpenMetrics registries rewrite counter names in place, as for prom-client's own. */
  name: string;
  readonly aggregator = 'sum' as const;
  /**
   * Series recorded since creation or the last reset, in the order of their first recording.
   * Series push themselves here; reset empties it in place, so series keep a valid reference.
   */
  protected readonly published: S[] = [];
  private readonly all = new Map<string, S>();

  constructor(
    name: string,
    readonly help: string,
    readonly type: 'counter' | 'gauge' | 'histogram',
    readonly labelNames: readonly string[],
  ) {
    this.name = name;
  }

  /**
   * The series for `values` (one per label name, in order), created on first use. Call once per
   * label set and keep the result: the lookup builds a key, the recording on the series does not.
   * The series is not shown until something is recorded on it.
   */
  series(...values: string[]): S {
    const key = JSON.stringify(values);
    let s = this.all.get(key);
    if (!s) {
      const labels: Record<string, string> = {};
      this.labelNames.forEach((n, i) => (labels[n] = values[i] ?? ''));
      s = this.makeSeries(labels, this.published);
      this.all.set(key, s);
    }
    return s;
  }

  /** Registry.resetMetrics(): every series back to zero and hidden until recorded again. */
  reset(): void {
    for (const s of this.all.values()) s.clear();
    this.published.length = 0;
  }

  protected abstract makeSeries(labels: SeriesLabels, published: S[]): S;
}

/**
 * Puts `metric` on `registry`, or returns the one of that name and class already there (a reload
 * or a second gateway on one registry keeps counting into the same series). prom-client's Registry
 * only reads the members SlotMetric implements, though its types list only its own classes.
 */
export function registerSlotMetric<M extends SlotMetric<Resettable>>(
  registry: Registry,
  name: string,
  cls: abstract new (...args: never[]) => M,
  make: () => M,
): M {
  const existing: unknown = registry.getSingleMetric(name);
  if (existing instanceof cls) return existing;
  const metric = make();
  registry.registerMetric(metric as unknown as Metric);
  return metric;
}

/** One series of a counter or gauge: the object the recorder keeps and bumps. */
export class ValueSeries {
  value = 0;
  private shown = false;

  constructor(
    readonly labels: SeriesLabels,
    private readonly published: ValueSeries[],
  ) {}

  inc(): void {
    this.value++;
    if (!this.shown) this.show();
  }

  /** Gauges only. */
  dec(): void {
    this.value--;
    if (!this.shown) this.show();
  }

  clear(): void {
    this.value = 0;
    this.shown = false;
  }

  private show(): void {
    this.shown = true;
    this.published.push(this);
  }
}

/** A counter or gauge with labels; values as prom-client's Counter/Gauge `get()` gives them. */
export class SlotValueMetric extends SlotMetric<ValueSeries> {
  constructor(opts: { name: string; help: string; type: 'counter' | 'gauge'; labelNames: readonly string[] }) {
    super(opts.name, opts.help, opts.type, opts.labelNames);
  }

  async get(): Promise<MetricSnapshot> {
    return {
      help: this.help,
      name: this.name,
      type: this.type,
      // Fresh objects: Registry.getMetricsAsJSON() may add default labels to what it is given.
      values: this.published.map((s) => ({ value: s.value, labels: s.labels })),
      aggregator: this.aggregator,
    };
  }

  protected makeSeries(labels: SeriesLabels, published: ValueSeries[]): ValueSeries {
    return new ValueSeries(labels, published);
  }
}
