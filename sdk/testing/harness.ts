/**
 * The filter test harness: loads one or more proxy-wasm filters into the real host code
 * (host/filter/build.ts → host/wasm, the gateway's own code path), with no sockets, and runs
 * exchanges through them. Records what the filters logged, their metrics and the http_calls
 * they made (which the test answers).
 *
 *     const h = await FilterHarness.load({ file: 'filters/build/hello.wasm', configuration: 'hi' });
 *     t.after(() => h.close());
 *     const r = await h.exchange({ path: '/' });
 *     assert.equal(r.upstream?.header('x-hello'), 'hi');
 */
import { resolve } from 'node:path';
import { Registry } from 'prom-client';
import type { FailurePolicy, HttpFilterConfig } from '../../host/config/types.js';
import { buildHttpFilterChain, WasmFilterChain } from '../../host/filter/build.js';
import type { HttpFilterChain } from '../../host/filter/contract.js';
import { createLogger } from '../../host/observability/logger.js';
import type { LogLevel } from '../../host/observability/contract.js';
import { runExchange } from './exchange.js';
import { harnessClusters, PendingHttpCall, type HttpCallHandler } from './http-calls.js';
import type { ExchangeResult, LogLine, RequestSpec } from './types.js';

/** One filter to load. */
export interface FilterSpec {
  /** Path to the .wasm (relative paths from the current directory). */
  file: string;
  /** Filter name (metrics, logs). Default: the file's base name. */
  name?: string;
  /** root_id. Default "" (the SDK then picks the module's only registered root). */
  rootId?: string;
  /** Plugin configuration: a string, or an object sent as JSON. */
  configuration?: string | Record<string, unknown>;
  /** VM configuration (read in `onVmStart`): a string, or an object sent as JSON. Default none. */
  vmConfiguration?: string | Record<string, unknown>;
  /** vm_id: filters with the same vm_id share shared data and queues. Default: the filter name. */
  vmId?: string;
  /** Default fail_closed. */
  failurePolicy?: FailurePolicy;
}

/** How the harness hosts the filters. */
export interface HarnessOptions {
  /** Clusters http_call may name; undefined accepts any name. */
  clusters?: readonly string[];
  /** Answers http_calls as they are made; without it, answer them from `httpCalls`. */
  onHttpCall?: HttpCallHandler;
  /** Minimum level recorded in `logs`. Default trace. */
  logLevel?: LogLevel;
  /** per_connection_buffer_limit_bytes. Default 1 MiB. */
  bufferLimitBytes?: number;
}

const PREFIX = /^wasm log [^:]*: /;

/**
 * Loads filters into the real host in-process and runs exchanges through them; records logs,
 * metrics and http_calls. Create with `FilterHarness.load`, release with `close()`.
 */
export class FilterHarness {
  /** Every log line so far (filters' proxy_log and host messages about them). */
  readonly logs: LogLine[] = [];
  /** Every http_call the filters made, in order. */
  readonly httpCalls: PendingHttpCall[] = [];
  /** Replace to change how later http_calls are answered. */
  onHttpCall: HttpCallHandler | undefined;
  private chain: HttpFilterChain | undefined;

  private constructor(
    /** The metrics registry the filters' metrics land in. */
    readonly registry: Registry,
    /** Names of the loaded filters, in request order. */
    readonly names: string[],
    opts: HarnessOptions,
  ) {
    this.onHttpCall = opts.onHttpCall;
  }

  /** Loads filters (in request order) exactly as a listener's http_filters; throws like the gateway would. */
  static async load(filters: FilterSpec | FilterSpec[], opts: HarnessOptions = {}): Promise<FilterHarness> {
    const list = Array.isArray(filters) ? filters : [filters];
    const configs: HttpFilterConfig[] = list.map((f) => ({
      name: f.name ?? f.file.replace(/^.*\//, '').replace(/\.wasm$/, ''),
      wasm: {
        file: resolve(f.file),
        ...(f.rootId !== undefined ? { root_id: f.rootId } : {}),
        ...(f.configuration !== undefined ? { configuration: f.configuration } : {}),
        ...(f.vmConfiguration !== undefined ? { vm_configuration: f.vmConfiguration } : {}),
        ...(f.vmId !== undefined ? { vm_id: f.vmId } : {}),
        failure_policy: f.failurePolicy ?? 'fail_closed',
      },
    }));
    const registry = new Registry();
    const h = new FilterHarness(registry, configs.map((c) => c.name), opts);
    const log = createLogger({
      level: opts.logLevel ?? 'trace',
      write: (line) => {
        const o = JSON.parse(line) as { level: string; msg: string; filter?: string };
        h.logs.push({ level: o.level, message: o.msg.replace(PREFIX, ''), filter: o.filter });
      },
    });
    try {
      h.chain = await buildHttpFilterChain(configs, {
        baseDir: process.cwd(), listenerName: 'harness', log, registry,
        clusters: harnessClusters(opts.clusters, h.httpCalls, () => h.onHttpCall),
        bufferLimitBytes: opts.bufferLimitBytes ?? 1024 * 1024,
      });
    } catch (err) {
      // What the filter logged while refusing its configuration is the useful part.
      const said = h.logs.filter((l) => l.level !== 'trace' && l.level !== 'debug').map((l) => `\n  ${l.level}: ${l.message}`);
      throw new Error(`${(err as Error).message}${said.join('')}`);
    }
    return h;
  }

  /** Sends one request through the filters and the simulated upstream; resolves with what the client got. */
  exchange(spec: RequestSpec = {}): Promise<ExchangeResult> {
    if (!this.chain) throw new Error('harness is closed');
    return runExchange(this.chain, spec);
  }

  /** Messages logged at `level` or above (trace < debug < info < warn < error < critical). */
  messages(level: LogLevel = 'trace'): string[] {
    const order = ['trace', 'debug', 'info', 'warn', 'error', 'critical'];
    return this.logs.filter((l) => order.indexOf(l.level) >= order.indexOf(level)).map((l) => l.message);
  }

  /**
   * Current value of a metric the filter defined (proxy_define_metric), by the name it used;
   * undefined when it was never defined. Histograms give their sample count.
   */
  async metric(name: string, filter = this.names[0]!): Promise<number | undefined> {
    const full = `wasmcustom_${filter.replace(/[^a-zA-Z0-9_]/g, '_')}_${name.replace(/[^a-zA-Z0-9_]/g, '_')}`;
    const m = this.registry.getSingleMetric(full);
    if (!m) return undefined;
    const data = await m.get();
    const count = data.values.find((v) => (v as { metricName?: string }).metricName === `${full}_count`);
    return count ? count.value : data.values.reduce((n, v) => n + v.value, 0);
  }

  /**
   * Linear memory of filter `index`'s current VM, in bytes: lets a test check that memory stays
   * flat over many requests.
   */
  memoryBytes(index = 0): number {
    return this.plugin(index).vm().env.mem.size;
  }

  /** Live contexts (root + streams) in filter `index`'s current VM: streams must not leak. */
  liveContexts(index = 0): number {
    return this.plugin(index).vm().env.contexts.size;
  }

  /** Why filter `index`'s VM failed (trap, abort, proc_exit…), or undefined while it is healthy. */
  vmFailure(index = 0): string | undefined {
    const f = this.plugin(index).vm().failure;
    return f ? `${f.kind} in ${f.callback}: ${f.message}` : undefined;
  }

  private plugin(index: number): WasmFilterChain['plugins'][number] {
    if (!(this.chain instanceof WasmFilterChain)) throw new Error('harness is closed');
    const p = this.chain.plugins[index];
    if (!p) throw new Error(`no filter at index ${index}`);
    return p;
  }

  /** Waits (bounded) until `n` http_calls were made. */
  async waitForHttpCalls(n: number, timeoutMs = 2000): Promise<PendingHttpCall[]> {
    const until = Date.now() + timeoutMs;
    while (this.httpCalls.length < n) {
      if (Date.now() > until) throw new Error(`expected ${n} http_call(s), saw ${this.httpCalls.length}`);
      await new Promise((r) => setTimeout(r, 5));
    }
    return this.httpCalls;
  }

  /** Shuts the filters' VMs down (on_done / on_delete of the root contexts). */
  async close(): Promise<void> {
    const c = this.chain;
    this.chain = undefined;
    await c?.close();
  }
}
