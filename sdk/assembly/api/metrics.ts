/**
 * Metrics defined by the filter and exported by the host (Sluice: on /stats/prometheus).
 * Define them once, in `onConfigure` or a root's constructor, and keep the object: defining
 * per request works but costs a hostcall each time.
 */
import { proxy_define_metric, proxy_get_metric, proxy_increment_metric, proxy_record_metric } from "../abi/imports";
import { MetricType, WasmResult } from "../abi/enums";
import { OUT_SCALAR, resetOut, scalarU32, scalarU64, utf8 } from "../abi/memory";

/** Defines a metric; returns its id, or 0 when the host refused (the metric then does nothing). */
export function defineMetric(type: MetricType, name: string): u32 {
  const n = utf8(name);
  resetOut();
  if (proxy_define_metric(<u32>type, changetype<usize>(n), n.byteLength, OUT_SCALAR) != WasmResult.Ok) return 0;
  return scalarU32();
}

/** Current value of metric `id`, or 0 when unknown. */
export function getMetric(id: u32): u64 {
  resetOut();
  if (proxy_get_metric(id, OUT_SCALAR) != WasmResult.Ok) return 0;
  return scalarU64();
}

/** A monotonically increasing count. */
export class Counter {
  /** The host's id (0 = definition failed). */
  readonly id: u32;
  /** Defines counter `name`. */
  constructor(name: string) {
    this.id = defineMetric(MetricType.Counter, name);
  }
  /** Adds `delta` (> 0). */
  increment(delta: i64 = 1): WasmResult {
    if (this.id == 0) return WasmResult.NotFound;
    return <WasmResult>proxy_increment_metric(this.id, delta);
  }
  /** Current value. */
  get(): u64 {
    return this.id == 0 ? 0 : getMetric(this.id);
  }
}

/** A value that goes up and down. */
export class Gauge {
  /** The host's id (0 = definition failed). */
  readonly id: u32;
  /** Defines gauge `name`. */
  constructor(name: string) {
    this.id = defineMetric(MetricType.Gauge, name);
  }
  /** Sets the value. */
  set(value: u64): WasmResult {
    if (this.id == 0) return WasmResult.NotFound;
    return <WasmResult>proxy_record_metric(this.id, value);
  }
  /** Adds `delta` (may be negative). */
  add(delta: i64): WasmResult {
    if (this.id == 0) return WasmResult.NotFound;
    return <WasmResult>proxy_increment_metric(this.id, delta);
  }
  /** Current value. */
  get(): u64 {
    return this.id == 0 ? 0 : getMetric(this.id);
  }
}

/** A distribution of recorded values. */
export class Histogram {
  /** The host's id (0 = definition failed). */
  readonly id: u32;
  /** Defines histogram `name`. */
  constructor(name: string) {
    this.id = defineMetric(MetricType.Histogram, name);
  }
  /** Records one observation. */
  record(value: u64): WasmResult {
    if (this.id == 0) return WasmResult.NotFound;
    return <WasmResult>proxy_record_metric(this.id, value);
  }
}
