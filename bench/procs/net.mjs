// Loopback port allocation and readiness polling. The harness never sleeps to wait for a server:
// it polls until the server answers or a deadline passes.
import net from 'node:net';
import http from 'node:http';

/** Asks the kernel for a free loopback port (bind to 0, read, close). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** One HTTP/1.1 GET to 127.0.0.1:port; resolves to the status code or an Error. */
export function probeHttp(port, path = '/', timeoutMs = 1000) {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
      res.on('error', (err) => resolve(err));
    });
    req.on('timeout', () => req.destroy(new Error('probe timed out')));
    req.on('error', (err) => resolve(err));
  });
}

/**
 * Polls `probe()` every 50 ms until it returns true, the `gone` promise settles (the process
 * died) or `timeoutMs` passes. Resolves to {ready, reason}.
 */
export async function pollUntil(probe, { timeoutMs = 15000, gone } = {}) {
  const deadline = Date.now() + timeoutMs;
  let died = null;
  gone?.then((x) => { died = x; });
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (died) return { ready: false, reason: died.signal ? `exited on ${died.signal}` : `exited with code ${died.code}` };
    const result = await probe();
    if (result === true) return { ready: true, reason: '' };
    last = result instanceof Error ? result.message : String(result);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { ready: false, reason: `not ready within ${timeoutMs} ms (last: ${last})` };
}

/** Waits until an HTTP GET on the port answers 200 (the upstream behind a proxy is reachable). */
export function waitHttpOk(port, { timeoutMs, gone, path = '/' } = {}) {
  return pollUntil(async () => {
    const r = await probeHttp(port, path);
    return r === 200 ? true : r instanceof Error ? r : `status ${r}`;
  }, { timeoutMs, gone });
}

/** One h2c (HTTP/2 prior knowledge) GET; resolves to the status code or an Error. */
export async function probeH2(port, path = '/', timeoutMs = 1000) {
  const { default: http2 } = await import('node:http2');
  return new Promise((resolve) => {
    const session = http2.connect(`http://127.0.0.1:${port}`);
    const timer = setTimeout(() => { session.destroy(); resolve(new Error('h2 probe timed out')); }, timeoutMs);
    const finish = (r) => { clearTimeout(timer); session.close(); session.destroy(); resolve(r); };
    session.on('error', (err) => finish(err));
    const req = session.request({ ':path': path, ':method': 'GET' });
    let status = 0;
    req.on('response', (h) => { status = h[':status']; });
    req.on('error', (err) => finish(err));
    req.resume();
    req.on('end', () => finish(status));
  });
}

/** Waits until an h2c GET on the port answers 200. */
export function waitH2Ok(port, { timeoutMs, gone, path = '/' } = {}) {
  return pollUntil(async () => {
    const r = await probeH2(port, path);
    return r === 200 ? true : r instanceof Error ? r : `status ${r}`;
  }, { timeoutMs, gone });
}
