/**
 * HTTP/2 downstream through the codec: h2c with prior knowledge and h2 over TLS (ALPN), through
 * the same router / filter / proxy pipeline as HTTP/1.1, which keeps working on the same front.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpsRequest } from 'node:https';
import type { FilterStream, FilterStreamSink, HttpFilterChain } from '../../host/filter/contract.js';
import type { StreamInfo } from '../../host/http/stream-info.js';
import { request, simpleConfig, startUpstream } from '../gateway/harness.js';
import { startPipeline } from './pipeline.js';
import { cleartextFront, h2client, h2request, selfSignedCert, tlsFront, wrappedTlsFront } from './h2-harness.js';

async function setup(t: import('node:test').TestContext) {
  const up = await startUpstream(t, 'up');
  const g = await startPipeline(t, simpleConfig([{ match: { prefix: '/' }, route: { cluster: 'b' } }], [{ name: 'b', endpoints: [{ address: up.address }] }]));
  return { gw: g.ctx, up };
}

test('h2c with prior knowledge is proxied to an HTTP/1.1 upstream', async (t) => {
  const { gw, up } = await setup(t);
  const front = await cleartextFront(t, gw);
  const s = h2client(t, `http://127.0.0.1:${front.port}`);
  const r = await h2request(s, { ':path': '/a?x=1', ':authority': 'svc.test', 'x-custom': 'v' });
  assert.equal(r.headers[':status'], 200);
  assert.equal(r.body.toString(), 'ok from up');
  assert.equal(up.seen[0]!.url, '/a?x=1');
  assert.equal(up.seen[0]!.headers.host, 'svc.test');
  assert.equal(up.seen[0]!.headers['x-custom'], 'v');
  assert.ok(!Object.keys(up.seen[0]!.headers).some((k) => k.startsWith(':')));
});

test('the same cleartext front still serves HTTP/1.1 (auto-detect)', async (t) => {
  const { gw } = await setup(t);
  const front = await cleartextFront(t, gw);
  const r = await request(front.port, { path: '/h1' });
  assert.equal(r.status, 200);
  assert.equal(r.body, 'ok from up');
});

test('codec: http1 does not take h2c prior knowledge', async (t) => {
  const { gw } = await setup(t);
  const front = await cleartextFront(t, gw, { codec: 'http1' });
  const s = h2client(t, `http://127.0.0.1:${front.port}`);
  await assert.rejects(h2request(s, { ':path': '/' }));
  assert.equal((await request(front.port)).status, 200);
});

test('h2 over TLS by ALPN; x-forwarded-proto is https', async (t) => {
  const { gw, up } = await setup(t);
  const cert = selfSignedCert(t);
  const front = await tlsFront(t, gw, cert);
  const s = h2client(t, `https://localhost:${front.port}`, { ca: cert.cert });
  const r = await h2request(s, { ':path': '/tls' });
  assert.equal(r.headers[':status'], 200);
  assert.equal(s.alpnProtocol, 'h2');
  assert.equal(up.seen[0]!.headers['x-forwarded-proto'], 'https');
});

test('h2 on a TLS socket wrapped by hand after accept (as listeners do)', async (t) => {
  const { gw } = await setup(t);
  const cert = selfSignedCert(t);
  const front = await wrappedTlsFront(t, gw, cert);
  const r = await h2request(h2client(t, `https://localhost:${front.port}`, { ca: cert.cert }), { ':path': '/wrapped' });
  assert.equal(r.headers[':status'], 200);
});

test('HTTP/1.1 over TLS by ALPN on the same front', async (t) => {
  const { gw } = await setup(t);
  const cert = selfSignedCert(t);
  const front = await tlsFront(t, gw, cert);
  const status = await new Promise<number>((resolve, reject) => {
    const req = httpsRequest({ host: '127.0.0.1', port: front.port, path: '/', ca: cert.cert, servername: 'localhost', agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode!));
    });
    req.on('error', reject);
    req.end();
  });
  assert.equal(status, 200);
});

test('filters see an h2 request with pseudo-headers; StreamInfo.protocol is HTTP/2', async (t) => {
  const { gw } = await setup(t);
  const seen: { protocol: string; pseudo: [string, string][] }[] = [];
  const chain: HttpFilterChain = {
    filterNames: ['probe'],
    createStream(info: StreamInfo, sink: FilterStreamSink): FilterStream {
      return {
        decodeHeaders(h, end) {
          seen.push({ protocol: info.protocol, pseudo: [...h.entries()].filter(([k]) => k.startsWith(':')) });
          sink.sendRequestHeaders(h, end);
        },
        decodeData: (c, end) => sink.sendRequestData(c, end),
        decodeTrailers: (tr) => sink.sendRequestTrailers(tr),
        encodeHeaders: (h, end) => sink.sendResponseHeaders(h, end),
        encodeData: (c, end) => sink.sendResponseData(c, end),
        encodeTrailers: (tr) => sink.sendResponseTrailers(tr),
        complete() {},
      };
    },
    close: async () => {},
  };
  gw.snapshot = { ...gw.snapshot, filterChain: chain };
  const front = await cleartextFront(t, gw);
  const s = h2client(t, `http://127.0.0.1:${front.port}`);
  const r = await h2request(s, { ':method': 'POST', ':path': '/f', ':authority': 'a.test' }, 'body');
  assert.equal(r.headers[':status'], 200);
  assert.equal(seen[0]!.protocol, 'HTTP/2');
  assert.deepEqual(seen[0]!.pseudo, [[':method', 'POST'], [':path', '/f'], [':authority', 'a.test'], [':scheme', 'http']]);
});

test('no route over h2 is a 404 local reply, and the session keeps serving', async (t) => {
  const up = await startUpstream(t, 'up');
  const { ctx: gw } = await startPipeline(t, simpleConfig([{ match: { prefix: '/api' }, route: { cluster: 'b' } }], [{ name: 'b', endpoints: [{ address: up.address }] }]));
  const front = await cleartextFront(t, gw);
  const s = h2client(t, `http://127.0.0.1:${front.port}`);
  const r = await h2request(s, { ':path': '/nope' });
  assert.equal(r.headers[':status'], 404);
  assert.equal((await h2request(s, { ':path': '/api' })).headers[':status'], 200);
});

test('drain: an h2 session gets GOAWAY, its in-flight request still completes', async (t) => {
  const up = await startUpstream(t, 'slow', (req, res) => {
    req.resume();
    setTimeout(() => res.end('late'), 200);
  });
  const { ctx } = await startPipeline(t, simpleConfig([{ match: { prefix: '/' }, route: { cluster: 'b' } }], [{ name: 'b', endpoints: [{ address: up.address }] }]));
  const front = await cleartextFront(t, ctx);
  const s = h2client(t, `http://127.0.0.1:${front.port}`);
  const goaway = new Promise<void>((r) => s.once('goaway', () => r()));
  const inFlight = h2request(s, { ':path': '/slow' });
  await new Promise((r) => setTimeout(r, 50));
  front.codec.closeIdle();
  await goaway;
  const r = await inFlight;
  assert.equal(r.body.toString(), 'late');
  // Then the server closes the session.
  if (!s.closed) await new Promise<void>((res) => s.once('close', () => res()));
});
