// Opens N keep-alive connections to a proxy, sends one GET on each (at most `--batch` in flight,
// so the proxy's upstream pool stays small), then keeps them all open and idle. Talks to the
// harness over stdio: prints {"opened":n,"failed":m} when done; on a "count" line prints
// {"open":k}; exits on "close", on stdin EOF, or after --max-seconds.
import net from 'node:net';
import { createInterface } from 'node:readline';
import { arg, exitWhenOrphaned } from './parent-watch.mjs';

exitWhenOrphaned();
const port = Number(arg('port'));
const count = Number(arg('count'));
const batch = Number(arg('batch', '50'));
const maxSeconds = Number(arg('max-seconds', '120'));
const REQUEST = 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n';

setTimeout(() => process.exit(2), maxSeconds * 1000).unref();
const sockets = new Set();

/** Opens one connection, sends one request, resolves once a full response arrived (or failed). */
function openOne() {
  return new Promise((resolve) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    let got = '';
    let settled = false;
    const done = (ok) => {
      if (settled) return;
      settled = true;
      sock.removeAllListeners('data');
      sock.setTimeout(0);
      resolve(ok);
    };
    sock.setTimeout(10_000, () => { sock.destroy(); done(false); });
    sock.on('connect', () => sock.write(REQUEST));
    sock.on('data', (d) => {
      got += d.toString('latin1');
      const head = got.indexOf('\r\n\r\n');
      if (head < 0) return;
      const m = /content-length:\s*(\d+)/i.exec(got.slice(0, head));
      const want = m ? Number(m[1]) : 0;
      if (got.length - head - 4 >= want) done(true);
    });
    sock.on('error', () => done(false));
    sock.on('close', () => { sockets.delete(sock); done(false); });
    sockets.add(sock);
  });
}

let opened = 0;
let failed = 0;
for (let i = 0; i < count; i += batch) {
  const n = Math.min(batch, count - i);
  const results = await Promise.all(Array.from({ length: n }, openOne));
  for (const ok of results) ok ? opened++ : failed++;
}
process.stdout.write(JSON.stringify({ opened, failed }) + '\n');

const rl = createInterface({ input: process.stdin });
rl.on('line', (line) => {
  if (line.trim() === 'count') process.stdout.write(JSON.stringify({ open: sockets.size }) + '\n');
  if (line.trim() === 'close') process.exit(0);
});
rl.on('close', () => process.exit(0));
