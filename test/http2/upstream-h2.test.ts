/**
 * HTTP/2 upstreams (cluster protocol: http2; h2c prior knowledge, or h2 over TLS with the
 * cluster's tls block), trailers both ways, large streamed bodies and end-to-end backpressure.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import type { FilterStream, FilterStreamSink, HttpFilterChain } from '../../host/filter/contract.js';
import { simpleConfig, startUpstream } from '../gateway/harness.js';
import { startPipeline } from './pipeline.js';
import { cleartextFront, h2client, h2request, h2Upstream, readAll, selfSignedCert, tlsFront, type Cert } from './h2-harness.js';

/** A chain that passes everything through unchanged (exercises the filter path). */
function passThroughChain(): HttpFilterChain {
  return {
    filterNames: ['pass'],
    createStream(_info, sink: FilterStreamSink): FilterStream {
      return {
        decodeHeaders: (h, end) => sink.sendRequestHeaders(h, end),
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
}

function cfg(address: string, cluster: Record<string, unknown> = {}) {
  return simpleConfig([{ match: { prefix: '/' }, route: { cluster: 'b', timeout: '20s' } }], [
    { name: 'b', protocol: 'http2', endpoints: [{ address }], ...cluster },
  ]);
}

/** An h2 upstream answering 200 with `x-up` and a grpc-status-like trailer, after reading the body. */
async function trailerUpstream(t: import('node:test').TestContext, cert?: Cert) {
  return h2Upstream(
    t,
    (stream, headers, rec) => {
      void readAll(stream).then((body) => {
        rec.body = body;
        stream.respond({ ':status': 200, 'x-up': String(headers[':authority']) }, { waitForTrailers: true });
        stream.on('wantTrailers', () => stream.sendTrailers({ 'x-checksum': String(body.length) }));
        stream.end('h2 body');
      });
    },
    cert,
  );
}

test('h2 client → h2c upstream: response trailers reach the client', async (t) => {
  const up = await trailerUpstream(t);
  const { ctx: gw } = await startPipeline(t, cfg(up.address));
  const front = await cleartextFront(t, gw);
  const s = h2client(t, `http://127.0.0.1:${front.port}`);
  const r = await h2request(s, { ':method': 'POST', ':path': '/t', ':authority': 'svc.test' }, 'hello');
  assert.equal(r.headers[':status'], 200);
  assert.equal(r.headers['x-up'], 'svc.test');
  assert.equal(r.body.toString(), 'h2 body');
  assert.equal(r.trailers?.['x-checksum'], '5');
  assert.equal(up.seen[0]!.body.toString(), 'hello');
});

test('request trailers reach an h2 upstream (no filters)', async (t) => {
  const up = await trailerUpstream(t);
  const { ctx: gw } = await startPipeline(t, cfg(up.address));
  const front = await cleartextFront(t, gw);
  const s = h2client(t, `http://127.0.0.1:${front.port}`);
  const r = await h2request(s, { ':method': 'POST', ':path': '/rt' }, 'abc', { 'x-req-trailer': 'sum=3' });
  assert.equal(r.headers[':status'], 200);
  assert.equal(up.seen[0]!.body.toString(), 'abc');
  assert.equal(up.seen[0]!.trailers?.['x-req-trailer'], 'sum=3');
});

test('request trailers reach an h2 upstream through the filter chain', async (t) => {
  const up = await trailerUpstream(t);
  const { ctx: gw } = await startPipeline(t, cfg(up.address));
  gw.snapshot = { ...gw.snapshot, filterChain: passThroughChain() };
  const front = await cleartextFront(t, gw);
  const s = h2client(t, `http://127.0.0.1:${front.port}`);
  const r = await h2request(s, { ':method': 'POST', ':path': '/rt' }, 'abcd', { 'x-req-trailer': 'sum=4' });
  assert.equal(r.headers[':status'], 200);
  assert.equal(r.trailers?.['x-checksum'], '4');
  assert.equal(up.seen[0]!.trailers?.['x-req-trailer'], 'sum=4');
});

test('HTTP/1.1 upstream trailers (chunked) reach an h2 client as trailers', async (t) => {
  const up = await startUpstream(t, 'up', (req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'text/plain', trailer: 'x-done' });
    res.write('part');
    res.addTrailers({ 'x-done': 'yes' });
    res.end();
  });
  const { ctx: gw } = await startPipeline(t, simpleConfig([{ match: { prefix: '/' }, route: { cluster: 'b' } }], [{ name: 'b', endpoints: [{ address: up.address }] }]));
  const front = await cleartextFront(t, gw);
  const r = await h2request(h2client(t, `http://127.0.0.1:${front.port}`), { ':path': '/' });
  assert.equal(r.body.toString(), 'part');
  assert.equal(r.trailers?.['x-done'], 'yes');
});

test('h2 over TLS upstream, verified with ca_file and sni', async (t) => {
  const cert = selfSignedCert(t);
  const up = await trailerUpstream(t, cert);
  const { ctx: gw } = await startPipeline(t, cfg(up.address, { tls: { ca_file: cert.certFile, sni: 'localhost' } }));
  const front = await tlsFront(t, gw, cert);
  const r = await h2request(h2client(t, `https://localhost:${front.port}`, { ca: cert.cert }), { ':path': '/s' });
  assert.equal(r.headers[':status'], 200);
  assert.equal(r.trailers?.['x-checksum'], '0');
  assert.equal(up.seen[0]!.headers[':scheme'], 'https');
});

test('an upstream certificate that does not verify is a 503 connect failure', async (t) => {
  const cert = selfSignedCert(t);
  const up = await trailerUpstream(t, cert);
  const { ctx: gw } = await startPipeline(t, cfg(up.address, { tls: {} }));
  const front = await cleartextFront(t, gw);
  const r = await h2request(h2client(t, `http://127.0.0.1:${front.port}`), { ':path': '/' });
  assert.equal(r.headers[':status'], 503);
  assert.equal(up.seen.length, 0);
});

test('verify: false accepts the self-signed upstream', async (t) => {
  const cert = selfSignedCert(t);
  const up = await trailerUpstream(t, cert);
  const { ctx: gw } = await startPipeline(t, cfg(up.address, { tls: { verify: false } }));
  const front = await cleartextFront(t, gw);
  const r = await h2request(h2client(t, `http://127.0.0.1:${front.port}`), { ':path': '/' });
  assert.equal(r.headers[':status'], 200);
});

test('a large body streams both ways over h2 (client → gateway → h2 upstream echo)', async (t) => {
  const up = await h2Upstream(t, (stream) => {
    stream.respond({ ':status': 200 });
    stream.pipe(stream);
  });
  const { ctx: gw } = await startPipeline(t, cfg(up.address));
  const front = await cleartextFront(t, gw);
  const s = h2client(t, `http://127.0.0.1:${front.port}`);
  const body = Buffer.alloc(12 * 1024 * 1024);
  for (let i = 0; i < body.length; i += 4096) body.writeUInt32LE(i, i);
  const req = s.request({ ':method': 'POST', ':path': '/echo' });
  const hash = createHash('sha256');
  let got = 0;
  req.on('data', (c: Buffer) => {
    got += c.length;
    hash.update(c);
  });
  // Written in chunks honouring backpressure.
  for (let off = 0; off < body.length; off += 256 * 1024) {
    if (!req.write(body.subarray(off, off + 256 * 1024))) await once(req, 'drain');
  }
  req.end();
  await once(req, 'end');
  assert.equal(got, body.length);
  assert.equal(hash.digest('hex'), createHash('sha256').update(body).digest('hex'));
});

test('a client that does not read holds the upstream back (flow control end to end)', async (t) => {
  let sent = 0;
  let blocked: () => void = () => {};
  const blockedP = new Promise<void>((r) => (blocked = r));
  const up = await h2Upstream(t, (stream) => {
    stream.respond({ ':status': 200 });
    const chunk = Buffer.alloc(64 * 1024);
    const pump = (): void => {
      while (sent < 256 * 1024 * 1024) {
        sent += chunk.length;
        if (!stream.write(chunk)) {
          blocked();
          stream.once('drain', pump);
          return;
        }
      }
      stream.end();
    };
    pump();
  });
  const { ctx: gw } = await startPipeline(t, cfg(up.address));
  const front = await cleartextFront(t, gw);
  const s = h2client(t, `http://127.0.0.1:${front.port}`);
  const req = s.request({ ':path': '/big' });
  req.pause();
  await blockedP;
  // Give the pipeline time to (wrongly) drain the upstream further if it ignored backpressure.
  await new Promise((r) => setTimeout(r, 300));
  assert.ok(sent < 48 * 1024 * 1024, `upstream wrote ${sent} bytes to a client that reads nothing`);
  req.close();
});

test('an upstream that does not read holds the client back (request flow control)', async (t) => {
  let upstreamStream: import('node:http2').ServerHttp2Stream | undefined;
  const up = await h2Upstream(t, (stream) => {
    upstreamStream = stream;
    stream.pause();
  });
  const { ctx: gw } = await startPipeline(t, cfg(up.address));
  const front = await cleartextFront(t, gw);
  const s = h2client(t, `http://127.0.0.1:${front.port}`);
  const req = s.request({ ':method': 'POST', ':path': '/upload' });
  req.on('error', () => {});
  const chunk = Buffer.alloc(64 * 1024);
  let written = 0;
  // Write until the client's stream reports backpressure that does not clear.
  while (written < 256 * 1024 * 1024) {
    written += chunk.length;
    if (!req.write(chunk)) {
      const drained = await Promise.race([once(req, 'drain').then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 500))]);
      if (!drained) break;
    }
  }
  assert.ok(written < 64 * 1024 * 1024, `client wrote ${written} bytes to an upstream that reads nothing`);
  assert.ok(upstreamStream !== undefined);
  req.close();
});
