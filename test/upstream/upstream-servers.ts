/**
 * Test upstreams: real node:http servers on 127.0.0.1 port 0 that answer with their own name,
 * and a helper sending a request through an endpoint's dispatcher.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';
import type { Endpoint } from '../../host/upstream/contract.js';
import { createLogger } from '../../host/observability/logger.js';
import type { Logger } from '../../host/observability/contract.js';

export interface TestUpstream {
  name: string;
  port: number;
  address: string;
  server: Server;
  hits: number;
}

/** Starts a server answering `name`; closed in t.after(). */
export async function startUpstream(t: TestContext, name: string, onRequest?: (release: () => void) => void): Promise<TestUpstream> {
  const up: TestUpstream = { name, port: 0, address: '', server: createServer(), hits: 0 };
  up.server.on('request', (req, res) => {
    up.hits++;
    req.resume();
    const answer = (): void => { res.end(name); };
    if (onRequest) onRequest(answer);
    else answer();
  });
  await new Promise<void>((resolve) => up.server.listen(0, '127.0.0.1', resolve));
  up.port = (up.server.address() as AddressInfo).port;
  up.address = `127.0.0.1:${up.port}`;
  t.after(() => new Promise<void>((resolve) => {
    up.server.closeAllConnections();
    up.server.close(() => resolve());
  }));
  return up;
}

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/** GET / through the endpoint's pool; the body (the server's name). */
export async function fetchVia(ep: Endpoint): Promise<string> {
  const res = await ep.dispatcher.request({ origin: ep.origin, path: '/', method: 'GET' });
  return res.body.text();
}

/** A logger that keeps its lines for assertions instead of writing them. */
export function captureLogger(): { log: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const log = createLogger({ level: 'debug', write: (l) => { lines.push(JSON.parse(l) as Record<string, unknown>); } });
  return { log, lines };
}

/** Deterministic uniform [0,1) generator (mulberry32) for distribution tests. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
