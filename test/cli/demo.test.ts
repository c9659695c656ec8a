import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test, type TestContext } from 'node:test';
import { promisify } from 'node:util';
import { SluiceProcess } from './sluice-process.js';

const exec = promisify(execFile);

interface DemoEcho {
  service: string | null;
  method: string;
  path: string;
  headers: Record<string, string>;
}

/** Starts the demo on ephemeral ports (SLUICE_DEMO_PORT=0) and waits until it prints its banner. */
async function startDemo(): Promise<{ p: SluiceProcess; gw: string; admin: string }> {
  const p = new SluiceProcess(['run'], { SLUICE_DEMO_PORT: '0', SLUICE_DEMO_ADMIN_PORT: '0' });
  try {
    const { listeners, admin } = await p.ready();
    await p.waitFor((q) => (q.stdout.includes('Ctrl-C stops') ? true : undefined));
    return { p, gw: `http://127.0.0.1:${listeners.demo}`, admin: `http://127.0.0.1:${admin}` };
  } catch (err) {
    p.kill();
    throw err;
  }
}

// One demo process serves the tests below (each checks one behaviour); starting a process per
// test would cost seconds each on a shared machine.
describe('the demo (plain `sluice run`)', () => {
  let demo: Awaited<ReturnType<typeof startDemo>> | undefined;
  before(async () => {
    demo = await startDemo();
  });
  after(() => demo?.p.kill());

  test('the demo routes /api/users/* to the users service with the prefix rewritten and headers added', async () => {
    const { gw } = demo!;
    const res = await fetch(`${gw}/api/users/42`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-served-by'), 'sluice');
    const echo = (await res.json()) as DemoEcho;
    assert.equal(echo.service, 'users');
    assert.equal(echo.method, 'GET');
    assert.equal(echo.path, '/users/42');
    assert.equal(echo.headers['x-sluice-demo'], 'true');
    assert.equal(echo.headers['x-route'], 'users');
  });

  test('the demo routes /api/orders to the orders service, keeping the query', async () => {
    const { gw } = demo!;
    const echo = (await (await fetch(`${gw}/api/orders?limit=2`)).json()) as DemoEcho;
    assert.equal(echo.service, 'orders');
    assert.equal(echo.path, '/orders?limit=2');
  });

  test('the demo answers /old with a redirect, /healthz directly and unknown paths with 404', async () => {
    const { gw } = demo!;
    const old = await fetch(`${gw}/old`, { redirect: 'manual' });
    assert.equal(old.status, 301);
    assert.match(old.headers.get('location')!, /\/api\/users$/);
    await old.arrayBuffer();
    const health = await fetch(`${gw}/healthz`);
    assert.equal(health.status, 200);
    assert.equal(await health.text(), 'ok\n');
    const none = await fetch(`${gw}/nowhere`);
    assert.equal(none.status, 404);
    await none.arrayBuffer();
  });

  test('the demo writes an access log line per request to stdout', async () => {
    const { p, gw } = demo!;
    await (await fetch(`${gw}/api/users/7`)).arrayBuffer();
    const line = await p.waitFor((q) =>
      q.stdout
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .find((l) => l.path === '/api/users/7'),
    );
    assert.equal(line.status, 200);
    assert.equal(line.upstream_cluster, 'users');
    assert.equal(line.route, 'users');
  });

  test('every curl line the demo prints works', async () => {
    const { p } = demo!;
    const lines = p.stdout
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.startsWith('curl '));
    assert.ok(lines.length >= 5);
    for (const line of lines) {
      // Run what a user would paste (bounded in time); curl or grep failing rejects.
      const cmd = line.replace(/^curl /, 'curl --max-time 10 ');
      const { stdout } = await exec('sh', ['-c', cmd]);
      assert.ok(stdout.length > 0, line);
    }
  });

  // Last in this group: it stops the shared demo.
  test('SIGTERM stops the demo with exit code 0', async () => {
    demo!.p.child.kill('SIGTERM');
    assert.equal((await demo!.p.exited).code, 0);
  });
});

test('the demo on a taken port says so and exits 2', async (t) => {
  const taken = createServer();
  taken.listen(0, '127.0.0.1');
  await once(taken, 'listening');
  t.after(() => taken.close());
  const port = (taken.address() as AddressInfo).port;
  const p = new SluiceProcess(['run'], { SLUICE_DEMO_PORT: String(port), SLUICE_DEMO_ADMIN_PORT: '0' });
  t.after(() => p.kill());
  const done = await p.exited;
  assert.equal(done.code, 2);
  assert.match(done.stderr, new RegExp(`^listeners\\[0\\]\\.address: address 127\\.0\\.0\\.1:${port} already in use$`, 'm'));
  assert.match(done.stderr, /one of them is taken/);
  assert.match(done.stderr, /SLUICE_DEMO_PORT=/);
});
