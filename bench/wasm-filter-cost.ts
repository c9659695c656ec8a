/**
 * CPU cost of proxy-wasm filters per request, in-process (no sockets): N requests through a
 * FilterStream with 0, 1 and 3 instances of a filter that reads :path, adds a request header
 * and adds a response header (test/wasm/bench_headers.ts). Reports µs of CPU per request and the
 * increment per filter. Run: npx tsc -p . && node scripts/build-wasm.mjs &&
 * node dist/bench/wasm-filter-cost.js [requests]
 */
import { readFileSync } from 'node:fs';
import { Registry } from 'prom-client';
import { WasmFilterChain } from '../host/filter/build.js';
import type { FilterStreamSink } from '../host/filter/contract.js';
import { HeaderMap } from '../host/http/header-map.js';
import { newStreamInfo } from '../host/http/stream-info.js';
import { createLogger } from '../host/observability/logger.js';
import { compileModule, WasmPlugin } from '../host/wasm/plugin.js';
import { SharedStore } from '../host/wasm/shared-store.js';

const N = Math.min(Number(process.argv[2] ?? 100_000), 1_000_000);
const file = new URL('../test/wasm/bench_headers.wasm', import.meta.url).pathname;

const sink: FilterStreamSink = {
  info: newStreamInfo('bench'),
  sendRequestHeaders() {}, sendRequestData() {}, sendRequestTrailers() {},
  sendResponseHeaders() {}, sendResponseData() {}, sendResponseTrailers() {},
  pauseRequestBody() {}, resumeRequestBody() {}, cancelUpstream() {}, reset() {},
  currentRoute: () => null,
};

async function chainOf(n: number): Promise<WasmFilterChain> {
  const mod = await compileModule(readFileSync(file));
  const deps = { log: createLogger({ level: 'error' }), registry: new Registry(), shared: new SharedStore() };
  const plugins = Array.from({ length: n }, (_, i) => WasmPlugin.load(mod, `bench${i}`, { file }, deps));
  return new WasmFilterChain(plugins, 1 << 20);
}

function run(chain: WasmFilterChain, n: number): number {
  const start = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    // What the connection manager builds per request when a listener has filters.
    const req = new HeaderMap([':method', 'GET', ':path', '/bench?i=1', ':authority', 'example.com', ':scheme', 'http',
      'user-agent', 'bench', 'accept', '*/*']);
    const s = chain.createStream(sink.info, sink, null);
    s.decodeHeaders(req, true);
    s.encodeHeaders(new HeaderMap([':status', '200', 'content-type', 'text/plain', 'content-length', '11']), false);
    s.encodeData(Buffer.alloc(0), true);
    s.complete();
  }
  const u = process.cpuUsage(start);
  return (u.user + u.system) / n;
}

const chains = { 0: await chainOf(0), 1: await chainOf(1), 3: await chainOf(3) };
for (const c of Object.values(chains)) run(c, Math.min(N, 20_000)); // warm-up (JIT, wasm tier-up)
const results: Record<string, number> = {};
for (const [k, c] of Object.entries(chains)) {
  const samples = [run(c, N), run(c, N), run(c, N)].sort((a, b) => a - b);
  results[k] = samples[1]!;
}
const perFilter1 = results['1']! - results['0']!;
const perFilter3 = (results['3']! - results['0']!) / 3;
console.log(JSON.stringify({
  requests: N,
  us_per_request: { filters_0: +results['0']!.toFixed(3), filters_1: +results['1']!.toFixed(3), filters_3: +results['3']!.toFixed(3) },
  us_per_filter: { one_filter: +perFilter1.toFixed(3), three_filters_avg: +perFilter3.toFixed(3) },
}, null, 2));
