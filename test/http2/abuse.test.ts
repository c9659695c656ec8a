/**
 * HTTP/2 abuse: rapid resets (CVE-2023-44487), streams past the concurrency limit, oversized
 * headers, invalid-frame floods and streams left idle each end in a refused stream or a closed session for the
 * abuser, while the gateway keeps serving other clients.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { constants } from 'node:http2';
import { simpleConfig, startUpstream } from '../gateway/harness.js';
import type { HttpCodecOptions } from '../../host/http/codec.js';
import { cleartextFront, h2client, h2request } from './h2-harness.js';
import { FrameType, frameBytes, goawayCode, headerBlock, rapidResetBurst, rawH2, type RawH2 } from './h2-raw.js';
import { startPipeline } from './pipeline.js';

/** Upstream answers after 300 ms, so streams stay open while the client misbehaves. */
async function setup(t: import('node:test').TestContext, opts: HttpCodecOptions) {
  return (await setupWith(t, opts)).front;
}

async function setupWith(t: import('node:test').TestContext, opts: HttpCodecOptions) {
  const up = await startUpstream(t, 'slow', (req, res) => {
    req.resume();
    setTimeout(() => res.end('slow ok'), 300);
  });
  const { ctx, logs } = await startPipeline(t, simpleConfig([{ match: { prefix: '/' }, route: { cluster: 'b' } }], [{ name: 'b', endpoints: [{ address: up.address }] }]));
  return { front: await cleartextFront(t, ctx, opts), up, logs };
}

/** A raw client on a gateway built by setup(t, opts), once the server's SETTINGS are acknowledged. */
async function settledRaw(t: import('node:test').TestContext, opts: HttpCodecOptions) {
  const front = await setup(t, opts);
  const c = await rawH2(t, front.port);
  await c.until((f) => f.type === FrameType.SETTINGS && (f.flags & 1) === 1);
  return { front, c };
}

/**
 * Writes `flood` while not reading, then reads again: a server that queues an answer per frame
 * must end the session rather than buffer without bound.
 */
async function unreadFlood(c: RawH2, flood: Buffer): Promise<void> {
  c.socket.pause();
  c.socket.write(flood);
  await new Promise((r) => setTimeout(r, 200));
  c.socket.resume();
}

async function stillServes(t: import('node:test').TestContext, port: number): Promise<void> {
  const r = await h2request(h2client(t, `http://127.0.0.1:${port}`), { ':path': '/ok' });
  assert.equal(r.headers[':status'], 200);
}

test('rapid reset: a client resetting streams early gets GOAWAY ENHANCE_YOUR_CALM', async (t) => {
  const front = await setup(t, { http2: { maxEarlyResets: 20, earlyResetWindowMs: 60_000 } });
  const c = await rawH2(t, front.port);
  for (let id = 1; id < 2 * 200; id += 2) {
    c.get(id);
    c.rst(id, constants.NGHTTP2_CANCEL);
  }
  const goaway = await c.until((f) => f.type === FrameType.GOAWAY);
  assert.ok(goaway, 'expected a GOAWAY');
  assert.equal(goawayCode(goaway), constants.NGHTTP2_ENHANCE_YOUR_CALM);
  await c.closed;
  await stillServes(t, front.port);
});

test('resets under the threshold are tolerated', async (t) => {
  const front = await setup(t, { http2: { maxEarlyResets: 20, earlyResetWindowMs: 60_000 } });
  const c = await rawH2(t, front.port);
  for (let id = 1; id < 2 * 10; id += 2) {
    c.get(id);
    c.rst(id, constants.NGHTTP2_CANCEL);
  }
  c.get(101, '/after');
  const headers = await c.until((f) => f.type === FrameType.HEADERS && f.streamId === 101);
  assert.ok(headers, 'the session still answers');
  assert.ok(!c.frames.some((f) => f.type === FrameType.GOAWAY));
});

test('streams past max_concurrent_streams are refused', async (t) => {
  // The limit is in force once the client acknowledged the server's SETTINGS (rawH2 does);
  // a client that still exceeds it gets REFUSED_STREAM or, from nghttp2, a PROTOCOL_ERROR GOAWAY.
  const { front, c } = await settledRaw(t, { http2: { maxConcurrentStreams: 5 } });
  for (let id = 1; id <= 2 * 8; id += 2) c.get(id);
  const refused = await c.until(
    (f) => (f.type === FrameType.RST_STREAM && f.payload.readUInt32BE(0) === constants.NGHTTP2_REFUSED_STREAM) || f.type === FrameType.GOAWAY,
  );
  assert.ok(refused, 'expected REFUSED_STREAM or GOAWAY');
  if (refused.type === FrameType.GOAWAY) assert.notEqual(goawayCode(refused), constants.NGHTTP2_NO_ERROR);
  await stillServes(t, front.port);
});

test('headers over max header list size are rejected; the gateway keeps serving', async (t) => {
  const front = await setup(t, { maxHeaderSize: 8 * 1024 });
  const s = h2client(t, `http://127.0.0.1:${front.port}`);
  const outcome = await h2request(s, { ':path': '/', 'x-big': 'a'.repeat(32 * 1024) }).then(
    (r) => `status ${r.headers[':status']}`,
    (e: Error) => `error ${(e as { code?: string }).code ?? e.message}`,
  );
  assert.ok(outcome.startsWith('error') || outcome === 'status 431', outcome);
  await stillServes(t, front.port);
});

test('a flood of invalid frames closes that session', async (t) => {
  const { front, c } = await settledRaw(t, { http2: { maxSessionInvalidFrames: 5 } });
  // WINDOW_UPDATE with a zero increment on an open stream is a stream-level protocol error.
  const zero = Buffer.alloc(4);
  for (let id = 1; id <= 2 * 40; id += 2) {
    c.send(FrameType.HEADERS, 0x4, id, Buffer.from([0x82, 0x86, 0x84, 0x41, 0x01, 0x61]));
    c.send(FrameType.WINDOW_UPDATE, 0, id, zero);
  }
  await c.closed;
  await stillServes(t, front.port);
});

test('a PING flood from a client that does not read its acks closes that session', async (t) => {
  const { front, c } = await settledRaw(t, {});
  const ping = Buffer.alloc(8);
  const flood = Buffer.concat(Array.from({ length: 20_000 }, () => Buffer.concat([Buffer.from([0, 0, 8, FrameType.PING, 0, 0, 0, 0, 0]), ping])));
  // The session must end (GOAWAY and/or close) rather than queue acks without bound.
  await unreadFlood(c, flood);
  await c.closed;
  await stillServes(t, front.port);
});

test('rapid reset in one write: reset streams never go upstream, other clients are served, one log line', async (t) => {
  const { front, up, logs } = await setupWith(t, {});
  const c = await rawH2(t, front.port);
  c.socket.write(rapidResetBurst('/burst', 300));
  const goaway = await c.until((f) => f.type === FrameType.GOAWAY);
  assert.ok(goaway, 'expected a GOAWAY');
  await c.closed;
  await stillServes(t, front.port);
  const burst = up.seen.filter((r) => r.url === '/burst').length;
  assert.ok(burst < 30, `upstream saw ${burst} of the 300 reset requests`);
  assert.equal(logs.filter((l) => l.includes('rapid reset')).length, 1, logs.join('\n'));
});

test('requests cancelled while queued for an upstream connection cost no upstream connection', async (t) => {
  let release: () => void = () => {};
  const held = new Promise<void>((r) => (release = r));
  const up = await startUpstream(t, 'one', (req, res) => {
    req.resume();
    if (req.url === '/hold') void held.then(() => res.end('held'));
    else res.end('ok');
  });
  let connections = 0;
  up.server.on('connection', () => connections++);
  const { ctx } = await startPipeline(
    t,
    simpleConfig([{ match: { prefix: '/' }, route: { cluster: 'b' } }], [{ name: 'b', endpoints: [{ address: up.address }], max_connections_per_endpoint: 1 }]),
  );
  const front = await cleartextFront(t, ctx, {});
  const s = h2client(t, `http://127.0.0.1:${front.port}`);
  const hold = h2request(s, { ':path': '/hold' });
  // The pool's one connection is busy with /hold: these wait in its queue.
  const queued = Array.from({ length: 20 }, () => s.request({ ':path': '/queued' }, { endStream: true }));
  for (const q of queued) q.on('error', () => {});
  for (let i = 0; i < 500 && (ctx.active < 21 || up.seen.length < 1); i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(ctx.active, 21, 'all requests reached the gateway');
  for (const q of queued) q.close(constants.NGHTTP2_CANCEL);
  for (let i = 0; i < 500 && ctx.active > 1; i++) await new Promise((r) => setTimeout(r, 10));
  release();
  assert.equal((await hold).headers[':status'], 200);
  await stillServes(t, front.port);
  assert.equal(up.seen.filter((r) => r.url === '/queued').length, 0);
  assert.equal(connections, 1, 'the cancelled requests did not tear down the pooled connection');
});

test('a CONTINUATION flood closes that session; the gateway keeps serving', async (t) => {
  const { front, c } = await settledRaw(t, {});
  // HEADERS without END_HEADERS, then CONTINUATIONs that never end the header block.
  const literal = Buffer.concat([Buffer.from([0x40, 3]), Buffer.from('x-a'), Buffer.from([10]), Buffer.from('0123456789')]);
  const flood = [frameBytes(FrameType.HEADERS, 0x1, 1, headerBlock('/'))];
  for (let i = 0; i < 20_000; i++) flood.push(frameBytes(FrameType.CONTINUATION, 0, 1, literal));
  c.socket.write(Buffer.concat(flood));
  await c.closed;
  await stillServes(t, front.port);
});

test('a SETTINGS flood from a client that does not read its acks closes that session', async (t) => {
  const { front, c } = await settledRaw(t, {});
  // SETTINGS_MAX_CONCURRENT_STREAMS = 100, 20 000 times: each one asks for an ACK.
  const one = frameBytes(FrameType.SETTINGS, 0, 0, Buffer.from([0, 3, 0, 0, 0, 100]));
  await unreadFlood(c, Buffer.concat(Array.from({ length: 20_000 }, () => one)));
  await c.closed;
  await stillServes(t, front.port);
});

test('a stream left idle past stream_idle_timeout is reset; its session keeps serving', async (t) => {
  const { front, up } = await setupWith(t, { http2: { streamIdleTimeoutMs: 600 } }); // above the upstream's 300 ms
  const s = h2client(t, `http://127.0.0.1:${front.port}`);
  const idle = s.request({ ':method': 'POST', ':path': '/never-finished' });
  idle.on('error', () => {});
  idle.write('part of a body');
  const rstCode = await new Promise<number>((r) => idle.once('close', () => r(idle.rstCode)));
  assert.equal(rstCode, constants.NGHTTP2_CANCEL);
  const r = await h2request(s, { ':path': '/ok' });
  assert.equal(r.headers[':status'], 200);
  assert.ok(up.seen.some((q) => q.url === '/ok'));
});
