/**
 * Test harness for gateway tests: real node:http upstreams and a real Gateway, both on
 * 127.0.0.1 port 0, cleaned up through t.after(). Also a tiny raw-socket client for input
 * node's HTTP clients refuse to send.
 */
import { createServer, request as httpRequest, type IncomingMessage, type RequestListener, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';
import { Registry } from 'prom-client';
import { parseConfigText } from '../../host/config/load.js';
import { Gateway } from '../../host/gateway.js';
import { createLogger } from '../../host/observability/logger.js';

export interface Upstream {
  server: Server;
  port: number;
  address: string;
  /** Requests seen, in order. */
  seen: { method: string; url: string; headers: IncomingMessage['headers']; rawHeaders: string[] }[];
}

/** An upstream that records each request and answers with `handler` (default: 200 "ok from <name>"). */
export async function startUpstream(t: TestContext, name = 'up', handler?: RequestListener): Promise<Upstream> {
  const seen: Upstream['seen'] = [];
  const server = createServer((req, res) => {
    seen.push({ method: req.method!, url: req.url!, headers: req.headers, rawHeaders: req.rawHeaders });
    if (handler) return handler(req, res);
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/plain', 'x-upstream': name });
      res.end(`ok from ${name}`);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  t.after(() => {
    server.closeAllConnections();
    return new Promise<void>((r) => server.close(() => r()));
  });
  return { server, port, address: `127.0.0.1:${port}`, seen };
}

/** A port nothing listens on (bound, then released). */
export async function deadPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

export interface Started {
  gw: Gateway;
  port: number;
  base: string;
  logs: string[];
}

/** Starts a gateway from a config object (listener addresses should use port 0). */
export async function startGateway(t: TestContext, config: unknown, opts: { random?: () => number } = {}): Promise<Started> {
  const logs: string[] = [];
  const loaded = parseConfigText(JSON.stringify(config), { format: 'json', baseDir: process.cwd() });
  const gw = await Gateway.start(loaded, {
    log: createLogger({ level: 'warn', write: (l) => logs.push(l) }),
    registry: new Registry(),
    ...(opts.random ? { random: opts.random } : {}),
  });
  t.after(() => gw.stop({ drainTimeoutMs: 200 }));
  const port = gw.listeners()[0]!.port;
  return { gw, port, base: `http://127.0.0.1:${port}`, logs };
}

/** A one-listener config: `routes` on a catch-all virtual host, plus `clusters`. */
export function simpleConfig(routes: unknown[], clusters: unknown[], listener: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    listeners: [{ name: 'main', address: '127.0.0.1:0', route_config: 'rc', ...listener }],
    route_configs: [{ name: 'rc', virtual_hosts: [{ name: 'all', domains: ['*'], routes }] }],
    clusters,
  };
}

export interface SimpleResponse {
  status: number;
  headers: IncomingMessage['headers'];
  body: string;
}

/** One request with node's http client (fresh connection unless an agent is given). */
export function request(
  port: number,
  opts: { method?: string; path?: string; headers?: Record<string, string>; body?: string | Buffer; agent?: import('node:http').Agent } = {},
): Promise<SimpleResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, method: opts.method ?? 'GET', path: opts.path ?? '/', headers: opts.headers, agent: opts.agent ?? false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** Writes `raw` on a fresh TCP connection; resolves with everything read until the peer closes. */
export function rawExchange(port: number, raw: string | Buffer, timeoutMs = 5000): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve) => {
    const sock = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      sock.destroy();
      resolve({ text: Buffer.concat(chunks).toString('latin1'), closed: false });
    }, timeoutMs);
    sock.on('data', (c) => chunks.push(c));
    sock.on('error', () => {});
    sock.on('close', () => {
      clearTimeout(timer);
      resolve({ text: Buffer.concat(chunks).toString('latin1'), closed: true });
    });
    sock.write(raw);
  });
}
