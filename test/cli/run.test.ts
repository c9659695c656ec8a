import { strict as assert } from 'node:assert';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { SluiceProcess } from './sluice-process.js';

/** An upstream that holds every request until release() is called; `arrived` resolves on the first. */
async function slowUpstream(t: TestContext): Promise<{ port: number; arrived: Promise<void>; release: () => void }> {
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let arrived!: () => void;
  const arrivedP = new Promise<void>((r) => (arrived = r));
  const server: Server = createServer((req, res) => {
    req.resume();
    arrived();
    void released.then(() => res.end(`slow ${req.url}`));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => {
    release();
    server.closeAllConnections();
    server.close();
  });
  return { port: (server.address() as AddressInfo).port, arrived: arrivedP, release };
}

function config(upstreamPort: number, listenerAddress = '127.0.0.1:0'): string {
  return `admin:
  address: 127.0.0.1:0
listeners:
  - name: public
    address: ${listenerAddress}
    route_config: main
    drain_timeout: 20s
route_configs:
  - name: main
    virtual_hosts:
      - name: all
        domains: ["*"]
        routes:
          - match: { prefix: "/" }
            route: { cluster: backend, timeout: 30s }
clusters:
  - name: backend
    endpoints: [{ address: 127.0.0.1:${upstreamPort} }]
`;
}

async function startSluice(t: TestContext, configText: string): Promise<SluiceProcess> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-run-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'sluice.yaml');
  await writeFile(file, configText);
  const p = new SluiceProcess(['run', '-c', file]);
  t.after(() => p.kill());
  return p;
}

test('run logs each listener and the admin address, and proxies', async (t) => {
  const up = await slowUpstream(t);
  up.release();
  const p = await startSluice(t, config(up.port));
  const { listeners, admin } = await p.ready();
  assert.ok(listeners.public! > 0);
  assert.ok(admin! > 0);
  const res = await fetch(`http://127.0.0.1:${listeners.public}/hello`);
  assert.equal(res.status, 200);
  assert.equal(await res.text(), 'slow /hello');
  const ready = await fetch(`http://127.0.0.1:${admin}/ready`);
  assert.equal(await ready.text(), 'LIVE\n');
  p.child.kill('SIGTERM');
  assert.equal((await p.exited).code, 0);
});

test('SIGTERM lets an in-flight request finish, then exits 0', async (t) => {
  const up = await slowUpstream(t);
  const p = await startSluice(t, config(up.port));
  const { listeners } = await p.ready();
  const inflight = fetch(`http://127.0.0.1:${listeners.public}/slow`).then(async (r) => ({ status: r.status, body: await r.text() }));
  await up.arrived;
  p.child.kill('SIGTERM');
  await p.waitFor((q) => q.logLines().find((l) => l.msg?.toString().startsWith('shutting down')));
  up.release();
  assert.deepEqual(await inflight, { status: 200, body: 'slow /slow' });
  const done = await p.exited;
  assert.equal(done.code, 0);
});

test('a second signal exits at once without waiting for in-flight requests', async (t) => {
  const up = await slowUpstream(t);
  const p = await startSluice(t, config(up.port));
  const { listeners } = await p.ready();
  const inflight = fetch(`http://127.0.0.1:${listeners.public}/slow`).then(
    (r) => r.text(),
    () => 'failed',
  );
  await up.arrived;
  p.child.kill('SIGINT');
  await p.waitFor((q) => q.logLines().find((l) => l.msg?.toString().startsWith('shutting down')));
  p.child.kill('SIGINT');
  const done = await p.exited;
  assert.equal(done.code, 130);
  up.release();
  await inflight;
});

test('a listener port already in use is reported plainly and exits 2', async (t) => {
  const taken = createServer();
  taken.listen(0, '127.0.0.1');
  await once(taken, 'listening');
  t.after(() => taken.close());
  const port = (taken.address() as AddressInfo).port;
  const p = await startSluice(t, config(9, `127.0.0.1:${port}`));
  const done = await p.exited;
  assert.equal(done.code, 2);
  assert.equal(done.stderr, `listeners[0].address: address 127.0.0.1:${port} already in use\n`);
});
