// Peer: the http-proxy package behind a node:http server, with a keep-alive agent to the upstream
// (its default agent would open a new upstream connection per request).
import http from 'node:http';
import httpProxy from 'http-proxy';
import { arg, exitWhenOrphaned } from './parent-watch.mjs';

exitWhenOrphaned();
const port = Number(arg('port'));
const upstream = arg('upstream');
const agent = new http.Agent({ keepAlive: true, maxSockets: 128 });
const proxy = httpProxy.createProxyServer({ target: upstream, agent });
proxy.on('error', (_err, _req, res) => {
  if (res && 'writeHead' in res && !res.headersSent) {
    res.writeHead(502, { 'content-type': 'text/plain' });
    res.end('bad gateway');
  }
});
const server = http.createServer((req, res) => proxy.web(req, res));
server.keepAliveTimeout = 300_000;
server.headersTimeout = 301_000;
server.requestTimeout = 0;
server.listen(port, '127.0.0.1');
