/**
 * Upstreams for connection-layer tests: a TCP echo server (optionally prefixing its replies,
 * answering "bye" after the client's FIN), one that speaks first, and a TLS server with a given
 * certificate.
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import type { TestContext } from 'node:test';

export interface TcpUpstream {
  address: string;
  port: number;
  /** Bytes received, per connection, in arrival order. */
  received: string[];
}

function track(t: TestContext, server: Server, sockets: Set<Socket>): Promise<number> {
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  t.after(() => {
    for (const s of sockets) s.destroy();
    return new Promise<void>((r) => server.close(() => r()));
  });
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r((server.address() as AddressInfo).port)));
}

/** Echoes every chunk back with `prefix`; after the client's FIN writes "bye" and ends. */
export async function startEcho(t: TestContext, prefix = ''): Promise<TcpUpstream> {
  const received: string[] = [];
  const server = createServer({ allowHalfOpen: true }, (s) => {
    const i = received.push('') - 1;
    s.on('data', (d: Buffer) => {
      received[i] += d.toString();
      s.write(prefix + d.toString());
    });
    s.on('end', () => s.end('bye'));
    s.on('error', () => {});
  });
  const port = await track(t, server, new Set());
  return { address: `127.0.0.1:${port}`, port, received };
}

/** A server that speaks first: writes `greeting` on accept, then echoes. */
export async function startGreeter(t: TestContext, greeting: string): Promise<TcpUpstream> {
  const received: string[] = [];
  const server = createServer((s) => {
    const i = received.push('') - 1;
    s.write(greeting);
    s.on('data', (d: Buffer) => {
      received[i] += d.toString();
      s.write(d);
    });
    s.on('error', () => {});
  });
  const port = await track(t, server, new Set());
  return { address: `127.0.0.1:${port}`, port, received };
}

/** A TLS server with `cert`/`key` that answers each chunk with `<name>:<chunk>`. */
export async function startTlsEcho(t: TestContext, name: string, cert: Buffer, key: Buffer): Promise<TcpUpstream> {
  const received: string[] = [];
  const server = createTlsServer({ cert, key }, (s) => {
    s.on('data', (d: Buffer) => {
      received.push(d.toString());
      s.write(`${name}:${d.toString()}`);
    });
    s.on('error', () => {});
  });
  const port = await track(t, server, new Set());
  return { address: `127.0.0.1:${port}`, port, received };
}

/** A catch-all HTTP route config and the given clusters, for listeners whose chains proxy TCP. */
export function tcpConfig(listener: Record<string, unknown>, clusters: { name: string; address: string }[]): Record<string, unknown> {
  return {
    listeners: [{ name: 'l4', address: '127.0.0.1:0', route_config: 'rc', ...listener }],
    route_configs: [{ name: 'rc', virtual_hosts: [{ name: 'all', domains: ['*'], routes: [{ match: { prefix: '/' }, direct_response: { status: 200, body: 'http' } }] }] }],
    clusters: clusters.map((c) => ({ name: c.name, endpoints: [{ address: c.address }] })),
  };
}
