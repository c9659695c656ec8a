/**
 * Upstream servers for the multi-worker tests, on 127.0.0.1 port 0, closed after the test.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';

async function listen(t: TestContext, server: Server, onClose: () => void = () => {}): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => {
    onClose();
    server.closeAllConnections();
    server.close();
  });
  return (server.address() as AddressInfo).port;
}

/** Answers every request at once with "ok". */
export function okUpstream(t: TestContext): Promise<number> {
  return listen(t, createServer((req, res) => {
    req.resume();
    res.end('ok');
  }));
}

/** Holds every request until release(); `arrived` resolves when the first one is in. */
export async function heldUpstream(t: TestContext): Promise<{ port: number; arrived: Promise<void>; release: () => void }> {
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let arrived!: () => void;
  const arrivedP = new Promise<void>((r) => (arrived = r));
  const server = createServer((req, res) => {
    req.resume();
    arrived();
    void released.then(() => res.end('held'));
  });
  const port = await listen(t, server, release);
  return { port, arrived: arrivedP, release };
}
