/**
 * The admin HTTP server: node:http on its own address (loopback by default), apart from the
 * listeners so operators' scrapes and dumps never compete with or get exposed like traffic.
 * Dispatch is a small route table (see ./endpoints.ts); unknown path → 404, known path with
 * another method → 405 with Allow.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { Logger } from '../observability/contract.js';
import type { AdminRequest, AdminResponse, AdminRoute, AdminServer, AdminView } from './contract.js';
import { builtinAdminRoutes, indexRoute, textResponse } from './endpoints.js';
import { parseAddress } from '../config/address.js';

/** Largest request body an admin endpoint accepts (config and filter uploads go through here). */
const DEFAULT_MAX_BODY_BYTES = 64 * 1024 * 1024;

export interface AdminServerOptions {
  /** "host:port"; port 0 binds an ephemeral port (read it back from AdminServer.port). */
  address: string;
  registry: Registry;
  view: AdminView;
  log: Logger;
  /** Extra endpoints (e.g. PUT /filters/{name}); an entry with the same method and path as a built-in replaces it. */
  routes?: AdminRoute[];
  maxBodyBytes?: number;
}

interface CompiledRoute {
  route: AdminRoute;
  /** Literal segment, or null for a `{name}` placeholder. */
  segments: (string | null)[];
  paramNames: string[];
}

function compile(route: AdminRoute): CompiledRoute {
  const parts = route.path === '/' ? [] : route.path.split('/').slice(1);
  const paramNames: string[] = [];
  const segments = parts.map((p) => {
    const m = /^\{(\w+)\}$/.exec(p);
    if (!m) return p;
    paramNames.push(m[1]!);
    return null;
  });
  return { route, segments, paramNames };
}

/** Params when `parts` fits the route's path pattern, else undefined. */
function match(c: CompiledRoute, parts: string[]): Record<string, string> | undefined {
  if (c.segments.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  let p = 0;
  for (let i = 0; i < parts.length; i++) {
    const seg = c.segments[i];
    if (seg === null) {
      if (parts[i] === '') return undefined;
      let v: string;
      try {
        v = decodeURIComponent(parts[i]!);
      } catch {
        return undefined; // malformed %-escape: no route fits it → 404
      }
      params[c.paramNames[p++]!] = v;
    } else if (seg !== parts[i]) return undefined;
  }
  return params;
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(Object.assign(new Error(`request body over ${limit} bytes`), { status: 413 }));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, r: AdminResponse): void {
  if (res.headersSent) return;
  const body = typeof r.body === 'string' ? Buffer.from(r.body) : r.body;
  res.writeHead(r.status, { ...r.headers, 'content-type': r.contentType, 'content-length': body.length, 'cache-control': 'no-store' });
  res.end(body);
}

/**
 * Starts the admin server and resolves once it listens. Rejects (nothing left listening) when
 * the address is malformed or cannot be bound, e.g. EADDRINUSE.
 */
export async function startAdminServer(opts: AdminServerOptions): Promise<AdminServer> {
  const hp = parseAddress(opts.address);
  if (!hp) throw new Error(`admin address "${opts.address}" is not host:port`);
  const log = opts.log.child({ component: 'admin' });
  const maxBody = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;

  const table: AdminRoute[] = builtinAdminRoutes(opts.view, opts.registry);
  for (const extra of opts.routes ?? []) {
    const at = table.findIndex((r) => r.method === extra.method && r.path === extra.path);
    if (at >= 0) table[at] = extra;
    else table.push(extra);
  }
  table.unshift(indexRoute(() => table));
  const compiled = table.map(compile);

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://admin');
    const parts = url.pathname === '/' ? [] : url.pathname.split('/').slice(1);
    // HEAD is served by the GET handler; node:http leaves the body out.
    const method = req.method === 'HEAD' ? 'GET' : req.method ?? 'GET';
    const allowed: string[] = [];
    for (const c of compiled) {
      const params = match(c, parts);
      if (!params) continue;
      if (c.route.method !== method) {
        allowed.push(c.route.method);
        continue;
      }
      const areq: AdminRequest = { method, path: url.pathname, params, query: url.searchParams, body: () => readBody(req, maxBody) };
      send(res, await c.route.handler(areq));
      return;
    }
    if (allowed.length) {
      const r = textResponse(`method ${req.method} not allowed on ${url.pathname}; use ${allowed.join(', ')}`, 405);
      send(res, { ...r, headers: { allow: allowed.join(', ') } });
    } else {
      send(res, textResponse(`no admin endpoint ${url.pathname}; GET / lists them`, 404));
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      const e = err as { status?: number; message?: string };
      const status = typeof e.status === 'number' ? e.status : 500;
      if (status === 500) log.error('admin handler failed', { path: req.url, error: String(e.message ?? err) });
      send(res, textResponse(String(e.message ?? err), status));
    });
  });
  // Admin clients are curl and scrapers: don't let an idle keep-alive hold up shutdown.
  server.keepAliveTimeout = 1000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(hp.port, hp.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address() as AddressInfo;
  log.debug('admin listening', { address: bound.address, port: bound.port });

  let closing: Promise<void> | undefined;
  return {
    address: bound.address,
    port: bound.port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
