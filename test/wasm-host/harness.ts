/**
 * Shared helpers of the wasm-host tests: a collecting logger, plugin loading from the compiled
 * test modules, and a FilterStreamSink that records what the filter chain sent.
 */
import { readFileSync } from 'node:fs';
import { Registry } from 'prom-client';
import type { WasmFilterConfig } from '../../host/config/types.js';
import type { FilterStreamSink } from '../../host/filter/contract.js';
import { HeaderMap } from '../../host/http/header-map.js';
import { newStreamInfo, type StreamInfo } from '../../host/http/stream-info.js';
import { createLogger } from '../../host/observability/logger.js';
import type { Logger } from '../../host/observability/contract.js';
import type { ClusterManager } from '../../host/upstream/contract.js';
import { compileModule, WasmPlugin } from '../../host/wasm/plugin.js';
import { SharedStore } from '../../host/wasm/shared-store.js';
import { WasmFilterChain } from '../../host/filter/build.js';
import type { CompiledModule } from '../../host/wasm/vm.js';

export const wasmPath = (name: string): string => new URL(`../wasm/${name}.wasm`, import.meta.url).pathname;

export interface LogCollector {
  log: Logger;
  lines: { level: string; msg: string; [k: string]: unknown }[];
  /** Messages of wasm logs with the "wasm log <filter>: " prefix removed. */
  wasm(): string[];
}

export function collector(level: 'trace' | 'debug' | 'info' = 'debug'): LogCollector {
  const lines: LogCollector['lines'] = [];
  const log = createLogger({ level, write: (l) => lines.push(JSON.parse(l)) });
  return {
    log,
    lines,
    wasm: () => lines.filter((l) => l.msg.startsWith('wasm log ')).map((l) => l.msg.replace(/^wasm log [^:]*: /, '')),
  };
}

const compiledCache = new Map<string, Promise<CompiledModule>>();
export function compiled(name: string, limitBytes?: number): Promise<CompiledModule> {
  const key = `${name}:${limitBytes}`;
  let c = compiledCache.get(key);
  if (!c) compiledCache.set(key, (c = compileModule(readFileSync(wasmPath(name)), limitBytes)));
  return c;
}

export interface Loaded {
  plugin: WasmPlugin;
  logs: LogCollector;
  registry: Registry;
  shared: SharedStore;
}

/** Loads the `script` module (or another) with a plugin configuration. */
export async function load(configuration: string, opts: Partial<WasmFilterConfig> & { module?: string; name?: string;
  clusters?: ClusterManager; shared?: SharedStore; logs?: LogCollector; registry?: Registry } = {}): Promise<Loaded> {
  const logs = opts.logs ?? collector();
  const registry = opts.registry ?? new Registry();
  const shared = opts.shared ?? new SharedStore();
  const mod = await compiled(opts.module ?? 'script', opts.memory_limit_mb ? opts.memory_limit_mb * 1024 * 1024 : undefined);
  const plugin = WasmPlugin.load(mod, opts.name ?? 'f', { file: 'x', configuration, ...opts }, {
    log: logs.log, registry, shared, clusters: opts.clusters, listenerName: 'l1',
  });
  return { plugin, logs, registry, shared };
}

export type SinkEvent = [string, ...unknown[]];

/** Records everything the chain sends; `info` is a fresh StreamInfo. */
export class RecordingSink implements FilterStreamSink {
  readonly info: StreamInfo = newStreamInfo('l1');
  readonly events: SinkEvent[] = [];
  requestHeaders: HeaderMap | undefined;
  responseHeaders: HeaderMap | undefined;
  requestBody: Buffer[] = [];
  responseBody: Buffer[] = [];
  sendRequestHeaders(h: HeaderMap, end: boolean): void { this.requestHeaders = h; this.events.push(['reqHeaders', end]); }
  sendRequestData(c: Buffer, end: boolean): void { this.requestBody.push(c); this.events.push(['reqData', c.toString(), end]); }
  sendRequestTrailers(t: HeaderMap): void { this.events.push(['reqTrailers', [...t.entries()]]); }
  sendResponseHeaders(h: HeaderMap, end: boolean): void { this.responseHeaders = h; this.events.push(['respHeaders', h.get(':status'), end]); }
  sendResponseData(c: Buffer, end: boolean): void { this.responseBody.push(c); this.events.push(['respData', c.toString(), end]); }
  sendResponseTrailers(t: HeaderMap): void { this.events.push(['respTrailers', [...t.entries()]]); }
  pauseRequestBody(): void { this.events.push(['pause']); }
  resumeRequestBody(): void { this.events.push(['resume']); }
  cancelUpstream(): void { this.events.push(['cancel']); }
  reset(details: string): void { this.events.push(['reset', details]); }
  currentRoute(): null { return null; }
  names(): string[] { return this.events.map((e) => e[0]); }
}

/** A chain over loaded plugins with a 1 KiB buffer limit unless given. */
export function chain(plugins: WasmPlugin[], limit = 1024): WasmFilterChain {
  return new WasmFilterChain(plugins, limit);
}

export function reqHeaders(extra: string[] = [], path = '/p?q=1'): HeaderMap {
  return new HeaderMap([':method', 'GET', ':path', path, ':authority', 'example.com', ':scheme', 'http', ...extra]);
}

export function respHeaders(status = 200, extra: string[] = []): HeaderMap {
  return new HeaderMap([':status', String(status), ...extra]);
}

/** Lets queued microtasks and immediates (deferred continue, queue notifications) run. */
export function settle(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}

/** Assembles a WebAssembly text module (small hand-written modules for load-time cases). */
export async function wat(text: string): Promise<Uint8Array> {
  const { default: binaryen } = await import('binaryen');
  const m = binaryen.parseText(text);
  try {
    return m.emitBinary();
  } finally {
    m.dispose();
  }
}

/** A minimal proxy-wasm module around `body` (extra imports and functions). */
export function minimalWat(body: string, marker = '0_2_1', imports = ''): string {
  return `(module
    (import "env" "proxy_log" (func $log (param i32 i32 i32) (result i32)))
    ${imports}
    (memory (export "memory") 1)
    (data (i32.const 16) "hello")
    (func (export "proxy_abi_version_${marker}"))
    (func (export "malloc") (param i32) (result i32) (i32.const 4096))
    ${body})`;
}

/** Waits (bounded) until `cond` holds; throws after `ms`. For async host events, not timing. */
export async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Loads `config` into the script module and runs one request through it (headers only). */
export async function oneRequest(config: string, opts: Parameters<typeof load>[1] = {}, extra: string[] = []) {
  const loaded = await load(config, opts);
  const sink = new RecordingSink();
  const s = chain([loaded.plugin]).createStream(sink.info, sink, null);
  s.decodeHeaders(reqHeaders(extra), true);
  s.encodeHeaders(respHeaders(200, ['x-up', 'u']), true);
  s.complete();
  return { ...loaded, sink, out: loaded.logs.wasm() };
}
