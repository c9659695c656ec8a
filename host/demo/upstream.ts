/**
 * The demo's upstream: one small node:http server on a loopback ephemeral port acting as two
 * services, "users" (paths under /users) and "orders" (under /orders). Each answers with JSON
 * echoing what it received (method, path, headers), so the effect of the gateway's routing,
 * rewriting and header changes is visible in a curl.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface DemoUpstream {
  readonly port: number;
  close(): Promise<void>;
}

const SERVICES = ['users', 'orders'] as const;

function answer(req: IncomingMessage, res: ServerResponse): void {
  const path = req.url ?? '/';
  const service = SERVICES.find((s) => path === `/${s}` || path.startsWith(`/${s}/`) || path.startsWith(`/${s}?`));
  const status = service ? 200 : 404;
  const body = JSON.stringify(
    {
      service: service ?? null,
      message: service ? `hello from the ${service} service` : 'no demo service at this path (try /users or /orders)',
      method: req.method,
      path,
      headers: req.headers,
    },
    null,
    2,
  ) + '\n';
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** Starts the demo services on 127.0.0.1 and an ephemeral port. */
export async function startDemoUpstream(): Promise<DemoUpstream> {
  const server = createServer((req, res) => {
    // Drain the request body (it is not echoed) before answering, so keep-alive stays usable.
    req.resume();
    req.on('end', () => answer(req, res));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
