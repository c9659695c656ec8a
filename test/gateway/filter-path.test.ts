/**
 * The connection manager's side of the filter contract, driven by a small in-test chain that
 * follows host/filter/contract.ts (the wasm filter host has its own tests). The chain is
 * installed by swapping the listener's snapshot, the same way a reload will.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { once } from 'node:events';
import type { FilterStream, FilterStreamSink, HttpFilterChain } from '../../host/filter/contract.js';
import type { HeaderMap } from '../../host/http/header-map.js';
import type { Gateway } from '../../host/gateway.js';
import { request, simpleConfig, startGateway, startUpstream } from './harness.js';

interface Recorded {
  requestHeaders: [string, string][][];
  completed: number;
}

/** Adds a header each way; sends /rewrite-me to /api/rewritten (so the route must be re-matched). */
function testChain(rec: Recorded): HttpFilterChain {
  return {
    filterNames: ['test'],
    createStream(_info, sink: FilterStreamSink): FilterStream {
      return {
        decodeHeaders(h: HeaderMap, end: boolean) {
          rec.requestHeaders.push([...h.entries()]);
          h.add('x-filter-req', '1');
          if (h.get(':path') === '/rewrite-me') h.set(':path', '/api/rewritten');
          sink.sendRequestHeaders(h, end);
        },
        decodeData: (c, end) => sink.sendRequestData(c, end),
        decodeTrailers: (t) => sink.sendRequestTrailers(t),
        encodeHeaders(h: HeaderMap, end: boolean) {
          h.add('x-filter-resp', '1');
          sink.sendResponseHeaders(h, end);
        },
        encodeData: (c, end) => sink.sendResponseData(c, end),
        encodeTrailers: (t) => sink.sendResponseTrailers(t),
        complete() {
          rec.completed++;
        },
      };
    },
    close: async () => {},
  };
}

function install(gw: Gateway, chain: HttpFilterChain): void {
  const l = gw.httpListeners()[0]!;
  l.snapshot = { ...l.snapshot, filterChain: chain };
}

async function setup(t: import('node:test').TestContext) {
  const up = await startUpstream(t, 'up', (req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    req.pipe(res);
  });
  const g = await startGateway(t, simpleConfig([{ match: { prefix: '/api' }, route: { cluster: 'b' } }], [{ name: 'b', endpoints: [{ address: up.address }] }]));
  const rec: Recorded = { requestHeaders: [], completed: 0 };
  install(g.gw, testChain(rec));
  return { ...g, up, rec };
}

test('filters see pseudo-headers first and their header changes reach upstream and client', async (t) => {
  const { port, up, rec } = await setup(t);
  const r = await request(port, { path: '/api/x?q=1', headers: { host: 'h.test', connection: 'keep-alive' } });
  assert.equal(r.status, 200);
  assert.equal(r.headers['x-filter-resp'], '1');
  const first4 = rec.requestHeaders[0]!.slice(0, 4);
  assert.deepEqual(first4, [[':method', 'GET'], [':path', '/api/x?q=1'], [':authority', 'h.test'], [':scheme', 'http']]);
  // Hop-by-hop headers never reach filters; x-request-id and x-forwarded-* already do.
  const names = rec.requestHeaders[0]!.map(([k]) => k);
  assert.ok(!names.includes('connection') && !names.includes('host'));
  assert.ok(names.includes('x-request-id') && names.includes('x-forwarded-for'));
  assert.equal(up.seen[0]!.headers['x-filter-req'], '1');
  assert.equal(up.seen[0]!.headers.host, 'h.test');
  assert.equal(up.seen[0]!.url, '/api/x?q=1');
});

test('a filter that changes :path gets the request re-routed', async (t) => {
  const { port, up } = await setup(t);
  const r = await request(port, { path: '/rewrite-me' });
  assert.equal(r.status, 200);
  assert.equal(up.seen[0]!.url, '/api/rewritten');
});

test('local replies pass the encoder filters', async (t) => {
  const { port } = await setup(t);
  const r = await request(port, { path: '/nowhere' });
  assert.equal(r.status, 404);
  assert.equal(r.body, 'no route');
  assert.equal(r.headers['x-filter-resp'], '1');
});

test('request and response bodies stream through the filters (2 MB echo)', async (t) => {
  const { port, rec } = await setup(t);
  const total = 2 * 1024 * 1024;
  const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/api/echo', agent: false });
  const readAll = once(req, 'response').then(async ([res]) => {
    let n = 0;
    for await (const c of res as AsyncIterable<Buffer>) n += c.length;
    return n;
  });
  const chunk = Buffer.alloc(64 * 1024, 1);
  for (let sent = 0; sent < total; sent += chunk.length) if (!req.write(chunk)) await once(req, 'drain');
  req.end();
  assert.equal(await readAll, total);
  await new Promise((r) => setImmediate(r));
  assert.equal(rec.completed, 1);
});

test('response trailers pass the encoder filters', async (t) => {
  const up = await startUpstream(t, 'up', (_req, res) => {
    res.writeHead(200, { trailer: 'x-t' });
    res.write('x');
    res.addTrailers({ 'x-t': '1' });
    res.end();
  });
  const { gw, port } = await startGateway(t, simpleConfig([{ match: { prefix: '/' }, route: { cluster: 'b' } }], [{ name: 'b', endpoints: [{ address: up.address }] }]));
  install(gw, testChain({ requestHeaders: [], completed: 0 }));
  const req = httpRequest({ host: '127.0.0.1', port, agent: false });
  req.end();
  const [res] = (await once(req, 'response')) as [import('node:http').IncomingMessage];
  for await (const _ of res as AsyncIterable<Buffer>) void _;
  assert.equal(res.trailers['x-t'], '1');
});

test('complete() runs once when the client disconnects mid-request', async (t) => {
  let arrived!: () => void;
  const atUpstream = new Promise<void>((r) => (arrived = r));
  const up = await startUpstream(t, 'hold', () => arrived());
  const { gw, port } = await startGateway(t, simpleConfig([{ match: { prefix: '/' }, route: { cluster: 'b' } }], [{ name: 'b', endpoints: [{ address: up.address }] }]));
  const rec: Recorded = { requestHeaders: [], completed: 0 };
  install(gw, testChain(rec));
  const req = httpRequest({ host: '127.0.0.1', port, agent: false });
  req.on('error', () => {});
  req.end();
  await atUpstream;
  req.destroy();
  for (let i = 0; i < 400 && rec.completed === 0; i++) await new Promise((r) => setTimeout(r, 5));
  assert.equal(rec.completed, 1);
});

test('http_filters in config: the hello wasm filter runs on requests and responses', async (t) => {
  const { existsSync } = await import('node:fs');
  const wasm = `${process.cwd()}/filters/build/hello.wasm`;
  if (!existsSync(wasm)) return t.skip('filters/build/hello.wasm not built (node scripts/build-wasm.mjs)');
  const up = await startUpstream(t);
  const { port } = await startGateway(
    t,
    simpleConfig([{ match: { prefix: '/' }, route: { cluster: 'b' } }], [{ name: 'b', endpoints: [{ address: up.address }] }], {
      http_filters: [{ name: 'hello', wasm: { file: wasm, root_id: 'hello', configuration: 'from sluice' } }],
    }),
  );
  const r = await request(port);
  assert.equal(r.status, 200);
  assert.equal(r.body, 'ok from up');
  assert.equal(r.headers['x-hello'], 'from sluice');
  assert.equal(up.seen[0]!.headers['x-hello'], 'from sluice');
});
