#!/usr/bin/env node
// HTTP/2 over TLS through Sluice next to HTTP/1.1 over TLS on the same run (DESIGN.md: compare
// only within one run). Layout: a Node upstream (11-byte body) in a child process, `sluice run`
// with one TLS listener (ALPN h2 + http/1.1) in another, and nghttp2's h2load as the client:
//   HTTP/2:   h2load -c10 -m10        (10 connections × 10 streams)
//   HTTP/1.1: h2load --h1 -c100 -m1   (the same 100 requests in flight)
// Also the same two against an HTTP/2 upstream (cluster protocol: http2) when --h2-upstream.
// Usage: node bench/h2load.mjs [--duration 10] [--rounds 1] [--h2-upstream]
// Bounded: every h2load run has -D seconds; children are killed by pid at the end.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const duration = Math.min(30, Number(opt('--duration', '10')));
const rounds = Math.min(5, Number(opt('--rounds', '1')));
const h2Upstream = args.includes('--h2-upstream');

function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });
}

function waitPort(port, ms = 10_000) {
  const until = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const tryOnce = () => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve();
      });
      s.once('error', () => {
        s.destroy();
        if (Date.now() > until) reject(new Error(`port ${port} never opened`));
        else setTimeout(tryOnce, 100);
      });
    };
    tryOnce();
  });
}

const UPSTREAM = `
const h1 = require('node:http'); const h2 = require('node:http2');
const port = Number(process.argv[1]); const useH2 = process.argv[2] === 'h2';
const body = Buffer.from('hello world');
const handler = (req, res) => { req.resume(); res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '11' }); res.end(body); };
const s = useH2 ? h2.createServer({ settings: { maxConcurrentStreams: 1000 } }, handler) : h1.createServer({ keepAliveTimeout: 60000 }, handler);
s.listen(port, '127.0.0.1');
`;

function h2load(url, extra) {
  const out = execFileSync('h2load', [...extra, '-t1', '-D', String(duration), '--warm-up-time', '1', url], { encoding: 'utf8', timeout: (duration + 20) * 1000 });
  const fin = /finished in [\d.]+m?s, ([\d.]+) req\/s/.exec(out);
  const reqs = /requests: \d+ total, \d+ started, (\d+) done, (\d+) succeeded, (\d+) failed/.exec(out);
  return { rps: fin ? Number(fin[1]) : 0, done: reqs ? Number(reqs[1]) : 0, failed: reqs ? Number(reqs[3]) : -1 };
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-h2bench-'));
  const children = [];
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=localhost'], { stdio: 'ignore' });
    const upPort = await freePort();
    const gwPort = await freePort();
    children.push(spawn(process.execPath, ['-e', UPSTREAM, String(upPort), h2Upstream ? 'h2' : 'h1'], { stdio: 'ignore' }));
    const config = {
      listeners: [{
        name: 'tls', address: `127.0.0.1:${gwPort}`, route_config: 'rc',
        tls: { cert_file: join(dir, 'cert.pem'), key_file: join(dir, 'key.pem'), alpn: ['h2', 'http/1.1'] },
        limits: { max_connections: 0 },
      }],
      route_configs: [{ name: 'rc', virtual_hosts: [{ name: 'all', domains: ['*'], routes: [{ match: { prefix: '/' }, route: { cluster: 'up' } }] }] }],
      clusters: [{ name: 'up', endpoints: [{ address: `127.0.0.1:${upPort}` }], ...(h2Upstream ? { protocol: 'http2' } : {}) }],
    };
    const cfgFile = join(dir, 'sluice.json');
    writeFileSync(cfgFile, JSON.stringify(config));
    children.push(spawn(process.execPath, [join(root, 'bin', 'sluice.js'), 'run', '-c', cfgFile], { stdio: ['ignore', 'ignore', 'inherit'] }));
    await waitPort(upPort);
    await waitPort(gwPort);
    const url = `https://127.0.0.1:${gwPort}/`;
    const rows = [];
    for (let r = 0; r < rounds; r++) {
      rows.push({ round: r + 1, proto: 'HTTP/2 (TLS, 10 conn x 10 streams)', ...h2load(url, ['-c10', '-m10']) });
      rows.push({ round: r + 1, proto: 'HTTP/1.1 (TLS, 100 conn)', ...h2load(url, ['--h1', '-c100', '-m1']) });
    }
    console.log(`upstream: ${h2Upstream ? 'HTTP/2 (h2c)' : 'HTTP/1.1'}; ${duration}s per run`);
    console.table(rows);
  } finally {
    const running = children.filter((c) => c.pid !== undefined && c.exitCode === null);
    for (const c of running) process.kill(c.pid, 'SIGTERM');
    // The gateway watches its certificate files: remove them only once it has exited.
    await Promise.all(running.map((c) => new Promise((r) => (c.exitCode !== null ? r() : c.once('exit', r)))));
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
