import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { createClusterManager } from '../../host/upstream/cluster-manager.js';
import type { ClusterManager } from '../../host/upstream/contract.js';
import { chain, collector, load, RecordingSink, reqHeaders, until } from './harness.js';

async function upstream(t: { after(fn: () => Promise<void> | void): void }, handler: Parameters<typeof createServer>[1]): Promise<ClusterManager> {
  const server: Server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const clusters = await createClusterManager([{ name: 'auth', endpoints: [{ address: `127.0.0.1:${port}` }] }], { log: collector().log });
  t.after(async () => {
    await clusters.close();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });
  return clusters;
}

const PAUSE_AND_CALL = 'req_headers call auth /check 2000\nreq_headers ret 1';

test('http_call: the response reaches proxy_on_http_call_response; the filter resumes the request', async (t) => {
  const clusters = await upstream(t, (req, res) => {
    res.setHeader('x-verdict', `ok ${req.url} ${req.headers.host}`);
    res.end('granted');
  });
  const { plugin, logs } = await load(`${PAUSE_AND_CALL}\ncall_resp get 6 :status\ncall_resp get 6 x-verdict\ncall_resp body 4 0 100\ncall_resp status\ncall_resp add 0 x-auth yes\ncall_resp cont 0`, { clusters });
  const sink = new RecordingSink();
  const s = chain([plugin]).createStream(sink.info, sink, null);
  s.decodeHeaders(reqHeaders(), true);
  assert.deepEqual(sink.names(), ['pause']);
  await until(() => sink.names().includes('reqHeaders'));
  assert.deepEqual(logs.wasm(), ['call s=0', 'get :status=200 s=0', 'get x-verdict=ok /check test s=0', 'body granted s=0',
    'status 0 ok s=0', 'add s=0', 'cont s=0']);
  assert.equal(sink.requestHeaders!.get('x-auth'), 'yes');
  s.complete();
});

test('http_call: a local reply from the call response answers the paused request', async (t) => {
  const clusters = await upstream(t, (_req, res) => {
    res.statusCode = 403;
    res.end();
  });
  const { plugin } = await load(`${PAUSE_AND_CALL}\ncall_resp reply 401 no-entry`, { clusters });
  const sink = new RecordingSink();
  const s = chain([plugin]).createStream(sink.info, sink, null);
  s.decodeHeaders(reqHeaders(), true);
  await until(() => sink.names().includes('respData'));
  assert.deepEqual(sink.events.slice(1), [['respHeaders', '401', false], ['respData', 'no-entry', true]]);
});

test('http_call: a connection failure arrives as a 503 response (Envoy\'s async client)', async (t) => {
  const clusters = await createClusterManager([{ name: 'auth', endpoints: [{ address: '127.0.0.1:1' }] }], { log: collector().log });
  t.after(() => clusters.close());
  const { plugin, logs } = await load(`${PAUSE_AND_CALL}\ntrace\ncall_resp status\ncall_resp get 6 :status\ncall_resp cont 0`, { clusters });
  const sink = new RecordingSink();
  const s = chain([plugin]).createStream(sink.info, sink, null);
  s.decodeHeaders(reqHeaders(), true);
  await until(() => sink.names().includes('reqHeaders'));
  const out = logs.wasm();
  assert.ok(out.includes('status 0 ok s=0'), out.join('\n'));
  assert.ok(out.includes('get :status=503 s=0'));
});

test('http_call: a call past its timeout arrives as a 504 response (Envoy\'s async client)', async (t) => {
  const clusters = await upstream(t, () => { /* never answers */ });
  const { plugin, logs } = await load('req_headers call auth /slow 50\nreq_headers ret 1\ntrace\ncall_resp status\ncall_resp get 6 :status\ncall_resp cont 0', { clusters });
  const sink = new RecordingSink();
  const s = chain([plugin]).createStream(sink.info, sink, null);
  s.decodeHeaders(reqHeaders(), true);
  await until(() => sink.names().includes('reqHeaders'));
  assert.ok(logs.wasm().includes('status 0 ok s=0'), logs.wasm().join('\n'));
  assert.ok(logs.wasm().includes('get :status=504 s=0'));
});

test('http_call: unknown cluster or missing :authority is BadArgument', async (t) => {
  const clusters = await upstream(t, (_q, r) => r.end());
  const { plugin, logs } = await load('req_headers call nosuch /x 100\nreq_headers call auth /x 100 noauthority', { clusters });
  const sink = new RecordingSink();
  chain([plugin]).createStream(sink.info, sink, null).decodeHeaders(reqHeaders(), true);
  assert.deepEqual(logs.wasm(), ['call s=2', 'call s=2']);
});
