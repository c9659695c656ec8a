/**
 * End-to-end helper for bundled filter tests: a real node:http upstream and a real Gateway
 * loading one filter from filters/build, both on 127.0.0.1 port 0, cleaned up in t.after().
 */
import { createServer, request, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';
import { Registry } from 'prom-client';
import { parseConfigText } from '../../host/config/load.js';
import { Gateway } from '../../host/gateway.js';
import { createLogger } from '../../host/observability/logger.js';

export interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface E2E {
  /** Requests the upstream received. */
  seen: Seen[];
  send(opts?: { method?: string; path?: string; headers?: Record<string, string>; body?: string }): Promise<Reply>;
}

/**
 * Starts an upstream answering 200 `{"ok":true,"secret":"s"}` (JSON, so body filters have work)
 * and a gateway with `filters` (name → configuration) in front of it.
 */
export async function gatewayWith(t: TestContext, filters: Array<{ name: string; configuration?: unknown; root_id?: string }>): Promise<E2E> {
  const seen: Seen[] = [];
  const upstream = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true,"secret":"s"}');
    });
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  t.after(() => {
    upstream.closeAllConnections();
    return new Promise<void>((r) => upstream.close(() => r()));
  });
  const upPort = (upstream.address() as AddressInfo).port;
  const config = {
    listeners: [{
      name: 'main', address: '127.0.0.1:0', route_config: 'rc',
      http_filters: filters.map((f) => ({
        name: f.name,
        wasm: { file: `filters/build/${f.name}.wasm`, root_id: f.root_id ?? f.name, ...(f.configuration !== undefined ? { configuration: f.configuration } : {}) },
      })),
    }],
    route_configs: [{ name: 'rc', virtual_hosts: [{ name: 'all', domains: ['*'], routes: [{ match: { prefix: '/' }, route: { cluster: 'backend' } }] }] }],
    clusters: [{ name: 'backend', endpoints: [{ address: `127.0.0.1:${upPort}` }] }],
  };
  const loaded = parseConfigText(JSON.stringify(config), { format: 'json', baseDir: process.cwd() });
  const gw = await Gateway.start(loaded, { log: createLogger({ level: 'error', write: () => {} }), registry: new Registry() });
  t.after(() => gw.stop({ drainTimeoutMs: 200 }));
  const port = gw.listeners()[0]!.port;
  const send: E2E['send'] = (opts = {}) => new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: opts.method ?? 'GET', path: opts.path ?? '/', headers: opts.headers ?? {} }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
  return { seen, send };
}
