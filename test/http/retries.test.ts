import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deadPort, request, simpleConfig, startGateway, startUpstream } from '../gateway/harness.js';

const route = (retry: Record<string, unknown>, extra: Record<string, unknown> = {}) => [
  { match: { prefix: '/' }, route: { cluster: 'b', retry_policy: { retry_back_off: { base_interval: '1ms' }, ...retry }, ...extra } },
];

test('a per-try timeout retries on the other endpoint, which answers', async (t) => {
  const slow = await startUpstream(t, 'slow', () => {
    /* never answers */
  });
  const fast = await startUpstream(t, 'fast');
  const { port } = await startGateway(
    t,
    simpleConfig(route({ retry_on: '5xx', num_retries: 1, per_try_timeout: '150ms' }), [
      // Round robin starts with the first endpoint: the slow one is tried first.
      { name: 'b', lb_policy: 'round_robin', endpoints: [{ address: slow.address }, { address: fast.address }] },
    ]),
  );
  const r = await request(port);
  assert.equal(r.status, 200);
  assert.equal(r.body, 'ok from fast');
  assert.equal(slow.seen.length, 1);
  assert.equal(fast.seen.length, 1);
});

test('retry_on 5xx: a 503 from one endpoint is retried on the other', async (t) => {
  const bad = await startUpstream(t, 'bad', (_req, res) => {
    res.writeHead(503, { 'content-type': 'text/plain' });
    res.end('overloaded');
  });
  const good = await startUpstream(t, 'good');
  const { port } = await startGateway(
    t,
    simpleConfig(route({ retry_on: '5xx', num_retries: 2 }), [{ name: 'b', endpoints: [{ address: bad.address }, { address: good.address }] }]),
  );
  const r = await request(port);
  assert.equal(r.status, 200);
  assert.equal(r.body, 'ok from good');
  assert.equal(bad.seen.length, 1);
});

test('without a retry policy, an upstream 503 is passed through', async (t) => {
  const bad = await startUpstream(t, 'bad', (_req, res) => {
    res.writeHead(503);
    res.end('overloaded');
  });
  const { port } = await startGateway(
    t,
    simpleConfig([{ match: { prefix: '/' }, route: { cluster: 'b' } }], [{ name: 'b', endpoints: [{ address: bad.address }] }]),
  );
  const r = await request(port);
  assert.equal(r.status, 503);
  assert.equal(r.body, 'overloaded');
});

test('retries exhausted pass the last upstream 5xx response through', async (t) => {
  const bad = await startUpstream(t, 'bad', (_req, res) => {
    res.writeHead(502);
    res.end('bad gateway upstream');
  });
  const { port } = await startGateway(
    t,
    simpleConfig(route({ retry_on: 'gateway-error', num_retries: 2 }), [{ name: 'b', endpoints: [{ address: bad.address }] }]),
  );
  const r = await request(port);
  assert.equal(r.status, 502);
  assert.equal(r.body, 'bad gateway upstream');
  assert.equal(bad.seen.length, 3);
});

test('a connect failure is retried on a live endpoint', async (t) => {
  const dead = await deadPort();
  const live = await startUpstream(t, 'live');
  const { port } = await startGateway(
    t,
    simpleConfig(route({ retry_on: 'connect-failure', num_retries: 1 }), [
      { name: 'b', lb_policy: 'round_robin', endpoints: [{ address: `127.0.0.1:${dead}` }, { address: live.address }] },
    ]),
  );
  // Whichever endpoint round robin picks first, every request ends on the live one.
  for (let i = 0; i < 4; i++) {
    const r = await request(port);
    assert.equal(r.status, 200);
    assert.equal(r.body, 'ok from live');
  }
});

test('a request whose streamed body already went upstream is not retried', async (t) => {
  const bodies: string[] = [];
  const rst = await startUpstream(t, 'rst', (req) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      bodies.push(body);
      req.socket.destroy();
    });
  });
  const { port } = await startGateway(
    t,
    simpleConfig(route({ retry_on: 'reset', num_retries: 3 }), [{ name: 'b', endpoints: [{ address: rst.address }] }]),
  );
  const r = await request(port, { method: 'POST', body: 'payload', headers: { 'content-length': '7' } });
  assert.equal(r.status, 502);
  assert.deepEqual(bodies, ['payload']);
});

test('a request without a body is retried after a reset', async (t) => {
  let n = 0;
  const flaky = await startUpstream(t, 'flaky', (req, res) => {
    if (n++ === 0) req.socket.destroy();
    else res.end('second time');
  });
  const { port } = await startGateway(
    t,
    simpleConfig(route({ retry_on: 'reset', num_retries: 1 }), [{ name: 'b', endpoints: [{ address: flaky.address }] }]),
  );
  const r = await request(port);
  assert.equal(r.status, 200);
  assert.equal(r.body, 'second time');
});

test('a request body not yet sent survives a connect failure and reaches the live endpoint', async (t) => {
  const dead = await deadPort();
  const bodies: string[] = [];
  const live = await startUpstream(t, 'live', (req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      bodies.push(body);
      res.end('stored');
    });
  });
  const { port } = await startGateway(
    t,
    simpleConfig(route({ retry_on: 'connect-failure', num_retries: 1 }), [
      { name: 'b', lb_policy: 'round_robin', endpoints: [{ address: `127.0.0.1:${dead}` }, { address: live.address }] },
    ]),
  );
  for (let i = 0; i < 2; i++) {
    const r = await request(port, { method: 'POST', body: `payload-${i}`, headers: { 'content-length': '9' } });
    assert.equal(r.status, 200);
  }
  assert.deepEqual(bodies, ['payload-0', 'payload-1']);
});

/** An access log file in a temp dir removed after the test; `read` parses its lines. */
function accessLogFile(t: TestContext): { path: string; read(): Record<string, unknown>[] } {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-retry-al-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'access.log');
  return { path, read: () => readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>) };
}

test('a 503 to a streamed POST that could not be retried is logged without URX', async (t) => {
  const log = accessLogFile(t);
  const bad = await startUpstream(t, 'bad', (req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(503);
      res.end('overloaded');
    });
  });
  const { gw, port } = await startGateway(
    t,
    simpleConfig(route({ retry_on: '5xx', num_retries: 2 }), [{ name: 'b', endpoints: [{ address: bad.address }] }], {
      access_log: { path: log.path },
    }),
  );
  const r = await request(port, { method: 'POST', body: 'payload', headers: { 'content-length': '7' } });
  assert.equal(r.status, 503);
  assert.equal(bad.seen.length, 1);
  await gw.stop();
  const [line] = log.read();
  assert.equal(line!.status, 503);
  assert.equal(line!.response_flags, '-');
});

test('a GET that spends every retry on 503s is logged with URX', async (t) => {
  const log = accessLogFile(t);
  const bad = await startUpstream(t, 'bad', (_req, res) => {
    res.writeHead(503);
    res.end('overloaded');
  });
  const { gw, port } = await startGateway(
    t,
    simpleConfig(route({ retry_on: '5xx', num_retries: 2 }), [{ name: 'b', endpoints: [{ address: bad.address }] }], {
      access_log: { path: log.path },
    }),
  );
  const r = await request(port);
  assert.equal(r.status, 503);
  assert.equal(bad.seen.length, 3);
  await gw.stop();
  const [line] = log.read();
  assert.equal(line!.status, 503);
  assert.equal(line!.response_flags, 'URX');
});
