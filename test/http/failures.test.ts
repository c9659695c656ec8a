import { test, type TestContext } from 'node:test';
import { connect, type Socket } from 'node:net';
import { Worker } from 'node:worker_threads';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deadPort, request, simpleConfig, startGateway, startUpstream } from '../gateway/harness.js';

const to = (cluster: string, extra: Record<string, unknown> = {}) => [{ match: { prefix: '/' }, route: { cluster, ...extra } }];

test('no matching route answers 404 "no route"', async (t) => {
  const up = await startUpstream(t);
  const { port } = await startGateway(
    t,
    simpleConfig([{ match: { prefix: '/api' }, route: { cluster: 'b' } }], [{ name: 'b', endpoints: [{ address: up.address }] }]),
  );
  const r = await request(port, { path: '/other' });
  assert.equal(r.status, 404);
  assert.equal(r.body, 'no route');
  assert.equal(r.headers['content-type'], 'text/plain');
  assert.equal(up.seen.length, 0);
});

test('connection refused answers 503 "upstream connect error"', async (t) => {
  const dead = await deadPort();
  const { port } = await startGateway(t, simpleConfig(to('b'), [{ name: 'b', endpoints: [{ address: `127.0.0.1:${dead}` }] }]));
  const r = await request(port);
  assert.equal(r.status, 503);
  assert.equal(r.body, 'upstream connect error');
});

test('an upstream slower than the route timeout answers 504 "upstream request timeout"', async (t) => {
  const up = await startUpstream(t, 'slow', () => {
    /* never answers */
  });
  const { port } = await startGateway(t, simpleConfig(to('b', { timeout: '200ms' }), [{ name: 'b', endpoints: [{ address: up.address }] }]));
  const r = await request(port);
  assert.equal(r.status, 504);
  assert.equal(r.body, 'upstream request timeout');
});

test('an upstream that resets before responding answers 502 "upstream reset"', async (t) => {
  const up = await startUpstream(t, 'rst', (req) => req.socket.destroy());
  const { port } = await startGateway(t, simpleConfig(to('b'), [{ name: 'b', endpoints: [{ address: up.address }] }]));
  const r = await request(port);
  assert.equal(r.status, 502);
  assert.equal(r.body, 'upstream reset');
});

test('an upstream that sends garbage answers 502', async (t) => {
  const up = await startUpstream(t, 'junk', (req) => {
    req.socket.write('this is not http\r\n\r\n');
    req.socket.end();
  });
  const { port } = await startGateway(t, simpleConfig(to('b'), [{ name: 'b', endpoints: [{ address: up.address }] }]));
  const r = await request(port);
  assert.equal(r.status, 502);
});

test('an upstream failing after the response started resets the downstream connection', async (t) => {
  const up = await startUpstream(t, 'half', (req, res) => {
    res.writeHead(200, { 'content-length': '100' });
    res.write('partial');
    setTimeout(() => req.socket.destroy(), 20);
  });
  const { port } = await startGateway(t, simpleConfig(to('b'), [{ name: 'b', endpoints: [{ address: up.address }] }]));
  const req = httpRequest({ host: '127.0.0.1', port, agent: false });
  req.end();
  const [res] = (await once(req, 'response')) as [import('node:http').IncomingMessage];
  assert.equal(res.statusCode, 200);
  const outcome = await new Promise<string>((resolve) => {
    res.on('error', () => resolve('error'));
    res.on('aborted', () => resolve('aborted'));
    res.on('end', () => resolve('end'));
    res.resume();
  });
  assert.notEqual(outcome, 'end');
});

test('a client that disconnects mid-request aborts the upstream request', async (t) => {
  let upstreamClosed!: (finished: boolean) => void;
  const upstreamSaw = new Promise<boolean>((r) => (upstreamClosed = r));
  let arrived!: () => void;
  const upstreamArrived = new Promise<void>((r) => (arrived = r));
  const up = await startUpstream(t, 'hold', (_req, res) => {
    res.on('close', () => upstreamClosed(res.writableFinished));
    arrived();
  });
  const { gw, port } = await startGateway(t, simpleConfig(to('b'), [{ name: 'b', endpoints: [{ address: up.address }] }]));
  const req = httpRequest({ host: '127.0.0.1', port, agent: false });
  req.on('error', () => {});
  req.end();
  await upstreamArrived;
  req.destroy();
  assert.equal(await upstreamSaw, false, 'upstream connection closed before any response finished');
  // The endpoint's in-flight count went back to zero: nothing leaked.
  const ep = gw.httpListeners()[0]!.snapshot.clusters.get('b')!.endpoints()[0]!;
  assert.equal(ep.activeRequests, 0);
});

test('response flags and details reach the access log (UF, URX)', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-al-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'access.log');
  const dead = await deadPort();
  const { gw, port } = await startGateway(
    t,
    simpleConfig(
      to('b', { retry_policy: { retry_on: 'connect-failure', num_retries: 1, retry_back_off: { base_interval: '1ms' } } }),
      [{ name: 'b', endpoints: [{ address: `127.0.0.1:${dead}` }] }],
      { access_log: { path: file } },
    ),
  );
  const r = await request(port, { path: '/logged', headers: { 'x-request-id': 'rid-1' } });
  assert.equal(r.status, 503);
  await gw.stop();
  const line = JSON.parse(readFileSync(file, 'utf8').trim().split('\n')[0]!);
  assert.equal(line.status, 503);
  assert.equal(line.path, '/logged');
  assert.equal(line.request_id, 'rid-1');
  assert.deepEqual(line.response_flags.split(' ').sort(), ['UF', 'URX']);
  assert.equal(line.response_code_details, 'upstream_connect_failure');
  assert.equal(line.upstream_cluster, 'b');
});

test('a cluster without any endpoint answers 503 "no healthy upstream"', async (t) => {
  // A hostname that never resolves leaves the cluster empty.
  const { port } = await startGateway(t, simpleConfig(to('b'), [{ name: 'b', endpoints: [{ address: 'nothing.invalid:80' }] }]));
  const r = await request(port);
  assert.equal(r.status, 503);
  assert.equal(r.body, 'no healthy upstream');
});

/** An access log file in a temp dir removed after the test; `read` parses its lines. */
function accessLogFile(t: TestContext): { path: string; read(): Record<string, unknown>[] } {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-fail-al-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'access.log');
  return { path, read: () => readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>) };
}

const flagsOf = (line: Record<string, unknown> | undefined) => [line?.status, line?.response_flags, line?.response_code_details];

test('an upstream timeout is logged with UT', async (t) => {
  const log = accessLogFile(t);
  const up = await startUpstream(t, 'slow', () => {
    /* never answers */
  });
  const { gw, port } = await startGateway(
    t,
    simpleConfig(to('b', { timeout: '200ms' }), [{ name: 'b', endpoints: [{ address: up.address }] }], { access_log: { path: log.path } }),
  );
  assert.equal((await request(port)).status, 504);
  await gw.stop({ drainTimeoutMs: 0 });
  assert.deepEqual(flagsOf(log.read()[0]), [504, 'UT', 'upstream_response_timeout']);
});

test('an upstream reset is logged with UR', async (t) => {
  const log = accessLogFile(t);
  const up = await startUpstream(t, 'rst', (req) => req.socket.destroy());
  const { gw, port } = await startGateway(
    t,
    simpleConfig(to('b'), [{ name: 'b', endpoints: [{ address: up.address }] }], { access_log: { path: log.path } }),
  );
  assert.equal((await request(port)).status, 502);
  await gw.stop();
  assert.deepEqual(flagsOf(log.read()[0]), [502, 'UR', 'upstream_reset']);
});

test('a client that disconnects before the response is logged with DC', async (t) => {
  const log = accessLogFile(t);
  let upstreamClosed!: () => void;
  const upstreamGone = new Promise<void>((r) => (upstreamClosed = r));
  let arrived!: () => void;
  const upstreamArrived = new Promise<void>((r) => (arrived = r));
  const up = await startUpstream(t, 'hold', (_req, res) => {
    res.on('close', () => upstreamClosed());
    arrived();
  });
  const { gw, port } = await startGateway(
    t,
    simpleConfig(to('b'), [{ name: 'b', endpoints: [{ address: up.address }] }], { access_log: { path: log.path } }),
  );
  const req = httpRequest({ host: '127.0.0.1', port, path: '/gone', agent: false });
  req.on('error', () => {});
  req.end();
  await upstreamArrived;
  req.destroy();
  // The gateway cancels the upstream request in the same step that writes the log line.
  await upstreamGone;
  await gw.stop();
  const [line] = log.read();
  assert.equal(line!.path, '/gone');
  assert.match(String(line!.response_flags), /\bDC\b/);
});

/**
 * A loopback listener that never accepts: its thread's event loop is blocked, so once the accept
 * queue (backlog 1) is full the kernel drops further SYNs and a connect can only time out.
 */
async function blackhole(t: TestContext): Promise<number> {
  const release = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(
    `const { parentPort, workerData } = require('node:worker_threads');
     const s = require('node:net').createServer();
     s.listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => {
       parentPort.postMessage(s.address().port);
       Atomics.wait(workerData, 0, 0);
     });`,
    { eval: true, workerData: release },
  );
  const port = (await once(worker, 'message'))[0] as number;
  const fillers: Socket[] = [];
  t.after(async () => {
    for (const s of fillers) s.destroy();
    Atomics.store(release, 0, 1);
    Atomics.notify(release, 0);
    await worker.terminate();
  });
  // Linux queues backlog + 1 completed handshakes; these two fill the queue.
  for (let i = 0; i < 2; i++) {
    const s = connect(port, '127.0.0.1');
    s.on('error', () => {});
    fillers.push(s);
    await once(s, 'connect');
  }
  return port;
}

test('an endpoint that never answers the SYN fails after connect_timeout with UF', async (t) => {
  const log = accessLogFile(t);
  const port = await blackhole(t);
  const { gw, port: gwPort } = await startGateway(
    t,
    simpleConfig(to('b'), [{ name: 'b', connect_timeout: '250ms', endpoints: [{ address: `127.0.0.1:${port}` }] }], {
      access_log: { path: log.path },
    }),
  );
  const r = await request(gwPort);
  assert.equal(r.status, 503);
  assert.equal(r.body, 'upstream connect error');
  await gw.stop({ drainTimeoutMs: 0 });
  assert.deepEqual(flagsOf(log.read()[0]), [503, 'UF', 'upstream_connect_failure']);
});
