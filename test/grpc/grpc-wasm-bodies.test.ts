/**
 * A wasm HTTP filter on gRPC calls (h2c downstream, h2c upstream) sees what the call carries:
 * each request and response message in its body callbacks (gRPC framing included) and the
 * grpc-status response trailer in its response trailers callback, for a unary and a
 * bidirectional streaming call. The filter is test/wasm/script.ts logging what it reads.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simpleConfig } from '../gateway/harness.js';
import { cleartextFront, h2client } from '../http2/h2-harness.js';
import { startPipeline } from '../http2/pipeline.js';
import { bidiLockstep, call, frame, startGrpcServer } from './grpc-wire.js';

/** Buffer 0 / 1: request / response body; map 3: response trailers. */
const SCRIPT = ['req_body body 0 0 4096', 'resp_body body 1 0 4096', 'resp_trailers get 3 grpc-status'].join('\n');

async function setup(t: import('node:test').TestContext) {
  const up = await startGrpcServer(t);
  const { ctx, logs } = await startPipeline(
    t,
    simpleConfig(
      [{ match: { prefix: '/echo.Echo/' }, route: { cluster: 'grpc', timeout: '20s' } }],
      [{ name: 'grpc', protocol: 'http2', endpoints: [{ address: up.address }] }],
      { http_filters: [{ name: 'script', wasm: { file: 'dist/test/wasm/script.wasm', configuration: SCRIPT } }] },
    ),
    'info',
  );
  const front = await cleartextFront(t, ctx);
  return { logs, session: h2client(t, `http://127.0.0.1:${front.port}`) };
}

/** What the filter logged, in order ("body <bytes read> s=<status>", "get <name>=<value> s=<status>"). */
function filterLines(logs: string[]): string[] {
  const prefix = 'wasm log script: ';
  return logs
    .map((l) => String((JSON.parse(l) as { msg?: unknown }).msg ?? ''))
    .filter((m) => m.startsWith(prefix))
    .map((m) => m.slice(prefix.length))
    .filter((m) => m.startsWith('body ') || m.startsWith('get '));
}

/** Did a body callback read exactly the gRPC frame of `msg` (5-byte header, then the message)? */
function sawMessage(lines: string[], msg: string): boolean {
  return lines.includes(`body ${frame(msg).toString('latin1')} s=0`);
}

test('unary call: the filter reads the request and response messages and the grpc-status trailer', async (t) => {
  const { session, logs } = await setup(t);
  const r = await call(session, 'Unary', ['hello']);
  assert.equal(r.grpcStatus, 0);
  assert.deepEqual(r.messages, ['HELLO']);
  const lines = filterLines(logs);
  assert.ok(sawMessage(lines, 'hello'), lines.join('\n'));
  assert.ok(sawMessage(lines, 'HELLO'), lines.join('\n'));
  assert.ok(lines.includes('get grpc-status=0 s=0'), lines.join('\n'));
});

test('streaming call: every message both ways passes the body callbacks; the trailer arrives at the end', async (t) => {
  const { session, logs } = await setup(t);
  const { replies, trailers } = await bidiLockstep(session, ['one', 'two', 'three']);
  assert.deepEqual(replies, ['echo:one', 'echo:two', 'echo:three']);
  assert.equal(trailers['grpc-status'], '0');
  const lines = filterLines(logs);
  for (const m of ['one', 'two', 'three']) {
    assert.ok(sawMessage(lines, m), `request ${m}\n${lines.join('\n')}`);
    assert.ok(sawMessage(lines, `echo:${m}`), `response echo:${m}\n${lines.join('\n')}`);
  }
  assert.equal(lines.at(-1), 'get grpc-status=0 s=0', lines.join('\n'));
});
