// Fallback loopback upstream when nginx is absent: answers every request (any method, any body,
// which it reads and drops) with the 11-byte body "hello world", keep-alive.
import http from 'node:http';
import { arg, exitWhenOrphaned } from './parent-watch.mjs';

exitWhenOrphaned();
const port = Number(arg('port'));
const BODY = Buffer.from('hello world');
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': BODY.length });
    res.end(BODY);
  });
});
server.keepAliveTimeout = 300_000;
server.headersTimeout = 301_000;
server.requestTimeout = 0;
server.listen(port, '127.0.0.1');
