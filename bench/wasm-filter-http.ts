/**
 * CPU per request over real HTTP (client, gateway and upstream in this one process, loopback):
 * the same request load through a gateway with no filter, with one header-reading-and-writing
 * wasm filter (test/wasm/bench_headers.ts) and with three. The differences are what the filtered
 * path costs (header map, filter chain, VM calls). Bounded: N requests (default 20k, max 200k),
 * 16 in flight. Run: npx tsc -p . && node scripts/build-wasm.mjs && node dist/bench/wasm-filter-http.js [N]
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { Pool } from 'undici';
import { parseConfigText } from '../host/config/load.js';
import { Gateway } from '../host/gateway.js';
import { createLogger } from '../host/observability/logger.js';

const N = Math.min(Number(process.argv[2] ?? 20_000), 200_000);
const wasm = new URL('../test/wasm/bench_headers.wasm', import.meta.url).pathname;

const upstream = createServer((_req, res) => res.end('hello world'));
await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
const upPort = (upstream.address() as AddressInfo).port;

async function measure(filters: number): Promise<number> {
  const config = {
    listeners: [{
      name: 'main', address: '127.0.0.1:0', route_config: 'rc',
      ...(filters ? { http_filters: Array.from({ length: filters }, (_, i) => ({ name: `b${i}`, wasm: { file: wasm } })) } : {}),
    }],
    route_configs: [{ name: 'rc', virtual_hosts: [{ name: 'all', domains: ['*'], routes: [{ match: { prefix: '/' }, route: { cluster: 'up' } }] }] }],
    clusters: [{ name: 'up', endpoints: [{ address: `127.0.0.1:${upPort}` }] }],
    access_log: { path: 'stdout', disabled: true },
  };
  const gw = await Gateway.start(parseConfigText(JSON.stringify(config), { format: 'json', baseDir: process.cwd() }),
    { log: createLogger({ level: 'error' }), registry: new Registry() });
  const pool = new Pool(`http://127.0.0.1:${gw.listeners()[0]!.port}`, { connections: 16, pipelining: 1 });
  const one = async (): Promise<void> => {
    const r = await pool.request({ path: '/bench', method: 'GET' });
    await r.body.dump();
  };
  const runN = async (n: number): Promise<void> => {
    let next = 0;
    await Promise.all(Array.from({ length: 16 }, async () => {
      while (next++ < n) await one();
    }));
  };
  await runN(Math.min(N, 3000)); // warm-up
  const start = process.cpuUsage();
  await runN(N);
  const u = process.cpuUsage(start);
  await pool.close();
  await gw.stop({ drainTimeoutMs: 100 });
  return (u.user + u.system) / N;
}

const results: Record<string, number> = {};
for (const f of [0, 1, 3, 0, 1, 3]) {
  const us = await measure(f);
  results[f] = Math.min(results[f] ?? Infinity, us);
}
upstream.close();
console.log(JSON.stringify({
  requests: N,
  cpu_us_per_request: results,
  cpu_us_one_filter: +(results[1]! - results[0]!).toFixed(2),
  cpu_us_per_filter_of_three: +((results[3]! - results[0]!) / 3).toFixed(2),
}, null, 2));
