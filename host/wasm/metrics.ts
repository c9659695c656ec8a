/**
 * Metrics of one filter: the custom metrics its module defines (proxy_define_metric), exported
 * through prom-client as `wasmcustom_<filter>_<name>`, and the host's own counters of VM
 * failures and reloads labelled with the filter name. One instance per filter configuration, kept
 * across VM reloads so values survive a crash.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { MetricKind, WasmResult } from './abi.js';

/** Why a VM failed, as counted and logged. */
export type FailureKind = 'trap' | 'abort' | 'proc_exit' | 'budget_exceeded' | 'memory_limit' | 'restricted_callback';

interface Custom {
  kind: MetricKind;
  value: number;
  prom: Counter | Gauge | Histogram;
}

function sanitize(s: string): string {
  return s.replace(/[^a-zA-Z0-9_]/g, '_');
}

function getOrCreate<T>(registry: Registry, name: string, make: () => T): T | undefined {
  const existing = registry.getSingleMetric(name);
  if (existing) return existing as unknown as T;
  return make();
}

/** Metrics of one filter configuration (see the file comment). */
export class FilterMetrics {
  private readonly byName = new Map<string, number>();
  private readonly byId = new Map<number, Custom>();
  private readonly failures: Counter<'filter' | 'kind' | 'callback'> | undefined;
  private readonly reloads: Counter<'filter'> | undefined;

  constructor(private readonly registry: Registry, private readonly filter: string) {
    this.failures = getOrCreate(registry, 'sluice_wasm_vm_failures_total', () => new Counter({
      name: 'sluice_wasm_vm_failures_total', help: 'Wasm VM failures (traps, aborts, budget breaches) per filter',
      labelNames: ['filter', 'kind', 'callback'], registers: [registry],
    }));
    this.reloads = getOrCreate(registry, 'sluice_wasm_vm_reloads_total', () => new Counter({
      name: 'sluice_wasm_vm_reloads_total', help: 'Wasm VMs re-created after a failure (fail_reload)',
      labelNames: ['filter'], registers: [registry],
    }));
  }

  failure(kind: FailureKind, callback: string): void {
    this.failures?.inc({ filter: this.filter, kind, callback });
  }

  reload(): void {
    this.reloads?.inc({ filter: this.filter });
  }

  /** proxy_define_metric: id (type in the low 2 bits), or undefined for a bad type / name clash. */
  define(kind: number, name: string): number | undefined {
    if (kind < 0 || kind > 2) return undefined;
    const key = `${kind}:${name}`;
    const known = this.byName.get(key);
    if (known !== undefined) return known;
    const full = `wasmcustom_${sanitize(this.filter)}_${sanitize(name)}`;
    const help = `proxy-wasm metric ${name} of filter ${this.filter}`;
    const existing = this.registry.getSingleMetric(full);
    let prom: Counter | Gauge | Histogram;
    if (existing) {
      const ok = (kind === MetricKind.Counter && existing instanceof Counter) || (kind === MetricKind.Gauge && existing instanceof Gauge)
        || (kind === MetricKind.Histogram && existing instanceof Histogram);
      if (!ok) return undefined;
      prom = existing as Counter | Gauge | Histogram;
    } else if (kind === MetricKind.Counter) prom = new Counter({ name: full, help, registers: [this.registry] });
    else if (kind === MetricKind.Gauge) prom = new Gauge({ name: full, help, registers: [this.registry] });
    else prom = new Histogram({ name: full, help, registers: [this.registry] });
    const id = (this.byId.size + 1) * 4 + kind;
    this.byId.set(id, { kind: kind as MetricKind, value: 0, prom });
    this.byName.set(key, id);
    return id;
  }

  increment(id: number, delta: number): WasmResult {
    const m = this.byId.get(id);
    if (!m) return WasmResult.NotFound;
    if (m.kind === MetricKind.Histogram) return WasmResult.BadArgument;
    if (m.kind === MetricKind.Counter) {
      if (delta <= 0) return WasmResult.BadArgument;
      (m.prom as Counter).inc(delta);
    } else (m.prom as Gauge).inc(delta);
    m.value += delta;
    return WasmResult.Ok;
  }

  record(id: number, value: number): WasmResult {
    const m = this.byId.get(id);
    if (!m) return WasmResult.NotFound;
    if (m.kind === MetricKind.Counter) {
      if (value > 0) (m.prom as Counter).inc(value);
      m.value += value;
    } else if (m.kind === MetricKind.Gauge) {
      (m.prom as Gauge).set(value);
      m.value = value;
    } else (m.prom as Histogram).observe(value);
    return WasmResult.Ok;
  }

  /** Current value; NotFound / BadArgument (histogram) as statuses. */
  get(id: number): [WasmResult, number] {
    const m = this.byId.get(id);
    if (!m) return [WasmResult.NotFound, 0];
    if (m.kind === MetricKind.Histogram) return [WasmResult.BadArgument, 0];
    return [WasmResult.Ok, m.value];
  }
}
