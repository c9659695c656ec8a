#!/usr/bin/env node
// The bare Node floor Sluice is measured against (DESIGN.md, performance): a node:http server
// that forwards every request to one upstream through an undici Pool, with nothing else.
//   node bench/floor-proxy.mjs --port 8081 --upstream http://127.0.0.1:9001 [--mode dispatch|stream]
// dispatch (default): Pool.dispatch with a handler writing straight into the ServerResponse.
// stream: Pool.stream piping the body into the ServerResponse.
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8081' },
    upstream: { type: 'string', default: 'http://127.0.0.1:9001' },
    mode: { type: 'string', default: 'dispatch' },
  },
});
const pool = new Pool(values.upstream, { connections: 128, pipelining: 1 });

function dispatchHandler(req, res) {
  const headers = [];
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const k = raw[i].toLowerCase();
    if (k === 'connection' || k === 'keep-alive' || k === 'transfer-encoding' || k === 'expect') continue;
    headers.push(k, raw[i + 1]);
  }
  let abort = null;
  pool.dispatch(
    { method: req.method, path: req.url, headers, body: req.headers['content-length'] || req.headers['transfer-encoding'] ? req : null },
    {
      onConnect(a) { abort = a; },
      onHeaders(status, rawHeaders, resume) {
        const out = [];
        for (let i = 0; i < rawHeaders.length; i += 2) {
          const k = rawHeaders[i].toString('latin1').toLowerCase();
          if (k === 'connection' || k === 'keep-alive' || k === 'transfer-encoding') continue;
          out.push(k, rawHeaders[i + 1].toString('latin1'));
        }
        res.writeHead(status, out);
        res.on('drain', resume);
        return true;
      },
      onData(chunk) { return res.write(chunk); },
      onComplete() { res.end(); },
      onError(err) {
        if (res.headersSent) res.destroy();
        else { res.writeHead(502); res.end(String(err.message)); }
      },
    },
  );
  res.on('close', () => { if (!res.writableFinished && abort) abort(); });
}

function streamHandler(req, res) {
  pool.stream(
    { method: req.method, path: req.url, headers: req.headers, body: req.headers['content-length'] ? req : null, opaque: res },
    ({ statusCode, headers, opaque }) => {
      delete headers.connection; delete headers['keep-alive']; delete headers['transfer-encoding'];
      opaque.writeHead(statusCode, headers);
      return opaque;
    },
  ).catch((err) => { if (!res.headersSent) { res.writeHead(502); res.end(String(err.message)); } else res.destroy(); });
}

const server = createServer({ keepAliveTimeout: 60_000 }, values.mode === 'stream' ? streamHandler : dispatchHandler);
server.listen(Number(values.port), '127.0.0.1', () => console.log(`floor proxy (${values.mode}) on ${values.port} -> ${values.upstream}`));
