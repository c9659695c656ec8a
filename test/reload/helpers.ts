/**
 * Shared by the hot-reload tests: versions of the reload_version test module made by patching
 * its build-time constants, an upstream that echoes what the filter set on the request, and a
 * gateway with its admin server on 127.0.0.1 port 0.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { Registry } from 'prom-client';
import { request } from 'undici';
import { parseConfigText } from '../../host/config/load.js';
import { Gateway } from '../../host/gateway.js';
import { createLogger } from '../../host/observability/logger.js';

/** dist/test/wasm/reload_version.wasm (built by scripts/build-wasm.mjs). */
export const MODULE_FILE = join(process.cwd(), 'dist', 'test', 'wasm', 'reload_version.wasm');

const VERSION_MARK = Buffer.from('@@VER@@', 'utf16le');
const MODE_MARK = Buffer.from('@@MODE@@', 'utf16le');

/** Misbehaviours of the test module (see test/wasm/reload_version.ts). */
export const enum Mode {
  Normal = 0,
  TrapInStart = 1,
  ConfigureFalse = 2,
  TrapOnRequest = 3,
}

/** The test module reporting version `v` (0–9999) with `mode`. */
export function moduleVersion(v: number, mode: Mode = Mode.Normal): Buffer {
  const b = Buffer.from(readFileSync(MODULE_FILE));
  const at = b.indexOf(VERSION_MARK);
  if (at < 0) throw new Error('version marker not found in reload_version.wasm');
  b.write(String(v).padStart(4, '0'), at + VERSION_MARK.length, 'utf16le');
  const m = b.indexOf(MODE_MARK);
  b.write(String(mode), m + MODE_MARK.length, 'utf16le');
  return b;
}

/** The test module with its ABI marker export renamed away (a module that is not proxy-wasm). */
export function moduleWithoutAbi(): Buffer {
  const b = moduleVersion(1);
  const name = Buffer.from('proxy_abi_version_0_2_1');
  const at = b.indexOf(name);
  b.write('x', at, 'latin1');
  return b;
}

/** The version string a module reports (what moduleVersion wrote). */
export function versionText(v: number): string {
  return String(v).padStart(4, '0');
}

export interface EchoUpstream {
  address: string;
  close(): Promise<void>;
}

/**
 * An upstream answering 200 with `x-echo-version` = the request's x-version-req (what the filter
 * set in the request phase), `x-upstream` = name, and the request body's length as the body.
 * `?slow=<ms>` delays the answer.
 */
export async function startEchoUpstream(t: TestContext, name = 'up'): Promise<EchoUpstream> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let size = 0;
    req.on('data', (c: Buffer) => (size += c.length));
    req.on('end', () => {
      const slow = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('slow') ?? 0);
      const answer = (): void => {
        const body = String(size);
        res.writeHead(200, {
          'content-type': 'text/plain', 'content-length': body.length, 'x-upstream': name,
          'x-echo-version': String(req.headers['x-version-req'] ?? ''),
        });
        res.end(body);
      };
      if (slow > 0) setTimeout(answer, slow);
      else answer();
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const close = (): Promise<void> => {
    server.closeAllConnections();
    return new Promise<void>((r) => server.close(() => r()));
  };
  t.after(close);
  return { address: `127.0.0.1:${(server.address() as AddressInfo).port}`, close };
}

export interface ReloadGateway {
  gw: Gateway;
  base: string;
  admin: string;
  logs: string[];
  registry: Registry;
}

/** A gateway from `config` (an object; admin added on port 0), stopped after the test. */
export async function startReloadGateway(t: TestContext, config: Record<string, unknown>,
  opts: { random?: () => number; watchModulesMs?: number; level?: 'info' | 'warn' } = {}): Promise<ReloadGateway> {
  const logs: string[] = [];
  const registry = new Registry();
  const loaded = parseConfigText(JSON.stringify({ admin: { address: '127.0.0.1:0' }, ...config }), { format: 'json', baseDir: process.cwd() });
  const gw = await Gateway.start(loaded, {
    log: createLogger({ level: opts.level ?? 'info', write: (l) => logs.push(l) }),
    registry,
    ...(opts.random ? { random: opts.random } : {}),
    ...(opts.watchModulesMs ? { watchModulesMs: opts.watchModulesMs } : {}),
  });
  t.after(() => gw.stop({ drainTimeoutMs: 500 }));
  const port = gw.listeners()[0]!.port;
  return { gw, base: `http://127.0.0.1:${port}`, admin: `http://127.0.0.1:${gw.admin!.port}`, logs, registry };
}

/** A one-listener config with the reload_version filter (file `file`) on a catch-all route to `upstream`. */
export function filterConfig(file: string, upstream: string, extra: { routes?: unknown[]; filter?: Record<string, unknown> } = {}): Record<string, unknown> {
  return {
    listeners: [{
      name: 'main', address: '127.0.0.1:0', route_config: 'rc',
      http_filters: [{ name: 'ver', wasm: { file, failure_policy: 'fail_closed', ...extra.filter } }],
    }],
    route_configs: [{ name: 'rc', virtual_hosts: [{ name: 'all', domains: ['*'], routes: extra.routes ?? [{ match: { prefix: '/' }, route: { cluster: 'up' } }] }] }],
    clusters: [{ name: 'up', endpoints: [{ address: upstream }] }],
  };
}

/** GET `url`; status, headers and body text. */
export async function get(url: string, init: { method?: 'GET' | 'POST' | 'PUT'; body?: string | Buffer } = {}):
  Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const r = await request(url, { method: init.method ?? 'GET', ...(init.body !== undefined ? { body: init.body } : {}) });
  return { status: r.statusCode, headers: r.headers, body: await r.body.text() };
}

/** Polls `check` every 20 ms until it returns true (at most `ms`). */
export async function until(check: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
