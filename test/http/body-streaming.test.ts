import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { once } from 'node:events';
import { request, simpleConfig, startGateway, startUpstream } from '../gateway/harness.js';

const catchAll = [{ match: { prefix: '/' }, route: { cluster: 'b' } }];

test('a 20 MB body is streamed to the upstream and echoed back in full', async (t) => {
  const up = await startUpstream(t, 'echo', (req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    req.pipe(res);
  });
  const { port } = await startGateway(t, simpleConfig(catchAll, [{ name: 'b', endpoints: [{ address: up.address }] }]));
  const total = 20 * 1024 * 1024;
  const chunk = Buffer.alloc(64 * 1024, 7);
  const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/echo', agent: false });
  // Read the echo while still sending: with backpressure end to end, a client that only reads
  // after sending everything would stall once every buffer on the way is full.
  const readAll = once(req, 'response').then(async ([res]) => {
    let received = 0;
    let allSevens = true;
    for await (const c of res as AsyncIterable<Buffer>) {
      received += c.length;
      if (allSevens && c.some((b) => b !== 7)) allSevens = false;
    }
    return { res: res as import('node:http').IncomingMessage, received, allSevens };
  });
  let sent = 0;
  while (sent < total) {
    sent += chunk.length;
    if (!req.write(chunk)) await once(req, 'drain');
  }
  req.end();
  const { res, received, allSevens } = await readAll;
  assert.equal(res.statusCode, 200);
  assert.equal(received, total);
  assert.ok(allSevens);
});

test('the request body reaches the upstream before the client has finished sending it', async (t) => {
  let firstBytes!: () => void;
  const upstreamGotData = new Promise<void>((r) => (firstBytes = r));
  const up = await startUpstream(t, 'up', (req, res) => {
    let n = 0;
    req.on('data', (c: Buffer) => {
      if (n === 0) firstBytes();
      n += c.length;
    });
    req.on('end', () => res.end(String(n)));
  });
  const { port } = await startGateway(t, simpleConfig(catchAll, [{ name: 'b', endpoints: [{ address: up.address }] }]));
  const req = httpRequest({ host: '127.0.0.1', port, method: 'PUT', path: '/', agent: false, headers: { 'transfer-encoding': 'chunked' } });
  const resP = once(req, 'response');
  req.write(Buffer.alloc(1000, 1));
  // The rest is sent only once the upstream has seen the first part: a gateway that buffered
  // whole bodies would deadlock here.
  await upstreamGotData;
  req.end(Buffer.alloc(500, 1));
  const [res] = (await resP) as [import('node:http').IncomingMessage];
  let body = '';
  for await (const c of res as AsyncIterable<Buffer>) body += c.toString();
  assert.equal(body, '1500');
});

test('the response body reaches the client before the upstream has finished sending it', async (t) => {
  let clientGotData!: () => void;
  const clientSaw = new Promise<void>((r) => (clientGotData = r));
  const up = await startUpstream(t, 'up', async (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.write('first;');
    await clientSaw;
    res.end('second');
  });
  const { port } = await startGateway(t, simpleConfig(catchAll, [{ name: 'b', endpoints: [{ address: up.address }] }]));
  const req = httpRequest({ host: '127.0.0.1', port, path: '/', agent: false });
  req.end();
  const [res] = (await once(req, 'response')) as [import('node:http').IncomingMessage];
  let body = '';
  for await (const c of res as AsyncIterable<Buffer>) {
    body += c.toString();
    clientGotData();
  }
  assert.equal(body, 'first;second');
});

test('a content-length body is forwarded with its length', async (t) => {
  const up = await startUpstream(t, 'up', (req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => res.end(`${req.headers['content-length']}:${req.headers['transfer-encoding'] ?? '-'}:${body}`));
  });
  const { port } = await startGateway(t, simpleConfig(catchAll, [{ name: 'b', endpoints: [{ address: up.address }] }]));
  const r = await request(port, { method: 'POST', body: 'hello', headers: { 'content-length': '5' } });
  assert.equal(r.body, '5:-:hello');
});

test('HEAD responses carry the upstream content-length and no body', async (t) => {
  const up = await startUpstream(t, 'up', (_req, res) => {
    res.writeHead(200, { 'content-length': '42' });
    res.end();
  });
  const { port } = await startGateway(t, simpleConfig(catchAll, [{ name: 'b', endpoints: [{ address: up.address }] }]));
  const r = await request(port, { method: 'HEAD' });
  assert.equal(r.status, 200);
  assert.equal(r.headers['content-length'], '42');
  assert.equal(r.body, '');
});

test('response trailers of a chunked upstream response reach the client', async (t) => {
  const up = await startUpstream(t, 'up', (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain', trailer: 'x-checksum' });
    res.write('body');
    res.addTrailers({ 'x-checksum': 'abc123' });
    res.end();
  });
  const { port } = await startGateway(t, simpleConfig(catchAll, [{ name: 'b', endpoints: [{ address: up.address }] }]));
  const req = httpRequest({ host: '127.0.0.1', port, agent: false });
  req.end();
  const [res] = (await once(req, 'response')) as [import('node:http').IncomingMessage];
  let body = '';
  for await (const c of res as AsyncIterable<Buffer>) body += c.toString();
  assert.equal(body, 'body');
  assert.equal(res.trailers['x-checksum'], 'abc123');
});
