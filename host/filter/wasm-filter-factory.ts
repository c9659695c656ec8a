/**
 * The per-plugin part of a wasm stream filter, computed once at load: what the module exports
 * is known then, so callbacks it lacks cost nothing per request (bodies pass straight through a
 * module without proxy_on_request_body). Per-route configurations get their own factory.
 */
import type { WasmPlugin } from '../wasm/plugin.js';
import type { FilterCallbacks } from './filter-manager.js';
import { WasmStreamFilter } from './wasm-filter.js';

/** Per-plugin facts computed once at load. */
export class WasmFilterFactory {
  readonly wantsRequestBody: boolean;
  readonly wantsRequestTrailers: boolean;
  readonly wantsResponseBody: boolean;
  readonly wantsResponseTrailers: boolean;
  readonly rewritesBodies: boolean;
  private readonly overrides = new Map<string, WasmFilterFactory | undefined>();

  constructor(readonly plugin: WasmPlugin, readonly index: number) {
    const ex = plugin.compiled.shape.exports;
    this.wantsRequestBody = ex.has('proxy_on_request_body');
    this.wantsRequestTrailers = ex.has('proxy_on_request_trailers');
    this.wantsResponseBody = ex.has('proxy_on_response_body');
    this.wantsResponseTrailers = ex.has('proxy_on_response_trailers');
    this.rewritesBodies = plugin.compiled.shape.imports.some((i) => i.name === 'proxy_set_buffer_bytes');
  }

  create(cb: FilterCallbacks): WasmStreamFilter {
    return new WasmStreamFilter(this, cb);
  }

  /**
   * The factory for a per-route configuration override, built on first use and kept (one VM
   * per filter configuration). undefined when that configuration fails to start (logged).
   */
  forConfiguration(configuration: string | Record<string, unknown>): WasmFilterFactory | undefined {
    const key = overrideKey(configuration);
    if (this.overrides.has(key)) return this.overrides.get(key);
    let f: WasmFilterFactory | undefined;
    try {
      f = new WasmFilterFactory(this.plugin.withConfiguration(configuration), this.index);
    } catch (err) {
      this.plugin.metrics.failure('trap', 'proxy_on_configure');
      this.plugin.logError(`per-route configuration failed: ${(err as Error).message}`);
    }
    this.overrides.set(key, f);
    return f;
  }

  /**
   * Starts the override for `configuration` now (a config load checks every per-route
   * configuration) and keeps it for forConfiguration; throws why it could not start.
   */
  startConfiguration(configuration: string | Record<string, unknown>): void {
    const key = overrideKey(configuration);
    if (this.overrides.get(key) !== undefined) return;
    this.overrides.set(key, new WasmFilterFactory(this.plugin.withConfiguration(configuration), this.index));
  }

  /** Plugins of per-route overrides (closed with the chain). */
  overridePlugins(): WasmPlugin[] {
    return [...this.overrides.values()].filter((f): f is WasmFilterFactory => f !== undefined).map((f) => f.plugin);
  }
}

function overrideKey(configuration: string | Record<string, unknown>): string {
  return typeof configuration === 'string' ? `s:${configuration}` : `j:${JSON.stringify(configuration)}`;
}
