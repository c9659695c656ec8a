/**
 * gRPC end to end through the gateway (h2c downstream, h2c upstream): unary and bidirectional
 * streaming calls, status trailers passed through, local replies as trailers-only gRPC replies,
 * grpc-timeout as the deadline, and a wasm filter rejecting calls with a gRPC status.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { simpleConfig } from '../gateway/harness.js';
import { cleartextFront, h2client } from '../http2/h2-harness.js';
import { startPipeline } from '../http2/pipeline.js';
import { bidiLockstep, call, frame, startGrpcServer } from './grpc-wire.js';

async function setup(t: import('node:test').TestContext, opts: { address?: string; filters?: boolean } = {}) {
  const up = await startGrpcServer(t);
  const listener = opts.filters
    ? { http_filters: [{ name: 'deny', wasm: { file: 'dist/test/wasm/grpc_deny.wasm', root_id: 'deny' } }] }
    : {};
  const { ctx } = await startPipeline(
    t,
    simpleConfig(
      [{ match: { prefix: '/echo.Echo/' }, route: { cluster: 'grpc', timeout: '20s' } }],
      [{ name: 'grpc', protocol: 'http2', endpoints: [{ address: opts.address ?? up.address }] }],
      listener,
    ),
  );
  const front = await cleartextFront(t, ctx);
  return { up, session: h2client(t, `http://127.0.0.1:${front.port}`) };
}

test('unary call is proxied with its status trailers', async (t) => {
  const { session, up } = await setup(t);
  const r = await call(session, 'Unary', ['hello']);
  assert.equal(r.grpcStatus, 0);
  assert.deepEqual(r.messages, ['HELLO']);
  assert.equal(up.calls[0]!['te'], 'trailers');
  assert.equal(up.calls[0]!['content-type'], 'application/grpc');
});

test('an upstream error status and message pass through', async (t) => {
  const { session } = await setup(t);
  const r = await call(session, 'Fail', ['x']);
  assert.equal(r.grpcStatus, 5);
  assert.equal(r.grpcMessage, 'no such thing');
});

test('bidirectional streaming: each reply arrives before the client sends the next message', async (t) => {
  const { session } = await setup(t);
  const { replies, trailers } = await bidiLockstep(session, ['one', 'two', 'three']);
  assert.deepEqual(replies, ['echo:one', 'echo:two', 'echo:three']);
  assert.equal(trailers['grpc-status'], '0');
});

test('no route: trailers-only reply with UNIMPLEMENTED', async (t) => {
  const { session } = await setup(t);
  const req = session.request({ ':method': 'POST', ':path': '/other.Svc/M', 'content-type': 'application/grpc' });
  req.end(frame('x'));
  const [headers] = (await once(req, 'response')) as [Record<string, unknown>];
  req.resume();
  assert.equal(headers[':status'], 200);
  assert.equal(headers['content-type'], 'application/grpc');
  assert.equal(headers['grpc-status'], '12');
});

test('upstream unreachable: UNAVAILABLE', async (t) => {
  const { session } = await setup(t, { address: '127.0.0.1:1' });
  const r = await call(session, 'Unary', ['x']);
  assert.equal(r.httpStatus, 200);
  assert.equal(r.grpcStatus, 14);
  assert.equal(r.grpcMessage, 'upstream connect error');
});

test('grpc-timeout caps the route timeout: DEADLINE_EXCEEDED', async (t) => {
  const { session, up } = await setup(t);
  const r = await call(session, 'Slow', ['x'], { 'grpc-timeout': '200m' });
  assert.equal(r.grpcStatus, 4);
  assert.equal(up.calls.length, 1);
});

test('a wasm filter rejects a call with a gRPC status; others pass and were seen as h2 streams', async (t) => {
  const { session, up } = await setup(t, { filters: true });
  const denied = await call(session, 'DenyMe', ['x']);
  assert.equal(denied.httpStatus, 200);
  assert.equal(denied.grpcStatus, 7);
  assert.equal(denied.grpcMessage, 'denied by policy');
  assert.deepEqual(denied.messages, []);
  const ok = await call(session, 'Unary', ['abc']);
  assert.equal(ok.grpcStatus, 0);
  assert.deepEqual(ok.messages, ['ABC']);
  assert.equal(up.calls.length, 1);
  assert.equal(up.calls[0]!['x-grpc-seen'], '1');
});
