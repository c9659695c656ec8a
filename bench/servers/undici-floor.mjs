// The bare Node floor: a node:http (or node:http2 h2c) server that forwards every request to one
// upstream through an undici Pool with Pool.stream, and nothing else. Whatever Sluice adds on
// top of this is the cost of its pipeline.
import http from 'node:http';
import http2 from 'node:http2';
import { Pool } from 'undici';
import { arg, exitWhenOrphaned, HOP_BY_HOP } from './parent-watch.mjs';

exitWhenOrphaned();
const port = Number(arg('port'));
const upstream = arg('upstream');
const protocol = arg('protocol', 'h1');
const pool = new Pool(upstream, { connections: 128, pipelining: 1, keepAliveTimeout: 300_000 });

function forwardHeaders(headers) {
  const out = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name[0] !== ':' && !HOP_BY_HOP.has(name)) out[name] = value;
  }
  return out;
}

function handle(req, res) {
  const hasBody = req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0';
  pool.stream({
    path: req.url,
    method: req.method,
    headers: forwardHeaders(req.headers),
    body: hasBody ? req : null,
  }, ({ statusCode, headers }) => {
    res.writeHead(statusCode, forwardHeaders(headers));
    return res;
  }, (err) => {
    if (err && !res.headersSent) {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end('bad gateway');
    } else if (err) {
      res.destroy(err);
    }
  });
}

const server = protocol === 'h2' ? http2.createServer({ maxSessionMemory: 64 }, handle) : http.createServer(handle);
if (protocol !== 'h2') {
  server.keepAliveTimeout = 300_000;
  server.headersTimeout = 301_000;
  server.requestTimeout = 0;
}
server.listen(port, '127.0.0.1');
