/**
 * How long a filter module swap takes, from the start of compilation to the first stream served
 * by the new version, for a small module (test/wasm/reload_version.wasm, ~10 KB) and the same
 * module grown to ~1 MB with a data segment, and grown to ~1 MB of code (exported functions). In-process gateway on 127.0.0.1, an upstream, a
 * few keep-alive clients sending requests continuously; each swap goes through
 * FilterRollout.load (what PUT /filters/{name} calls). Reports the median of N swaps per size:
 * compile (validate + ABI check + fuel instrumentation + WebAssembly.compile), VM start +
 * configure + swap, and compile start → first response carrying the new version.
 *
 * Run: npx tsc -p . && node scripts/build-wasm.mjs && node dist/bench/reload-swap.js [swaps]
 */
import binaryen from 'binaryen';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';
import { parseConfigText } from '../host/config/load.js';
import { Gateway } from '../host/gateway.js';
import { createLogger } from '../host/observability/logger.js';
import { readLeb, writeLeb } from '../host/wasm/metering.js';

const SWAPS = Math.max(1, Math.min(Number(process.argv[2] ?? 7), 50));
const CLIENTS = 8;
const file = new URL('../test/wasm/reload_version.wasm', import.meta.url).pathname;
const VERSION_MARK = Buffer.from('@@VER@@', 'utf16le');

// ---- wasm binary editing: a version patch and a padding data segment ----

function leb(v: number): Buffer {
  const out: number[] = [];
  writeLeb(out, v);
  return Buffer.from(out);
}

function sleb(v: number): Buffer {
  const out: number[] = [];
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return Buffer.from(out);
  }
}

/** `bytes` with one more active data segment of `pad` bytes past its initial memory (grown to fit). */
function padModule(bytes: Buffer, pad: number): Buffer {
  const parts: Buffer[] = [bytes.subarray(0, 8)];
  let at = 8;
  let offset = 0;
  const padPages = Math.ceil(pad / 65536) + 1;
  while (at < bytes.length) {
    const id = bytes[at]!;
    const [size, start] = readLeb(bytes, at + 1);
    let body = bytes.subarray(start, start + size);
    if (id === 5) {
      const [count, p1] = readLeb(body, 0);
      const flag = body[p1]!;
      const [min, p2] = readLeb(body, p1 + 1);
      offset = min * 65536;
      const newMin = min + padPages;
      let limits = Buffer.concat([Buffer.from([flag]), leb(newMin)]);
      let rest = p2;
      if (flag & 1) {
        const [max, p3] = readLeb(body, p2);
        limits = Buffer.concat([limits, leb(Math.max(max, newMin))]);
        rest = p3;
      }
      body = Buffer.concat([leb(count), limits, body.subarray(rest)]);
    } else if (id === 11 || id === 12) {
      const [count, p1] = readLeb(body, 0);
      const segment = id === 11
        ? Buffer.concat([Buffer.from([0x00, 0x41]), sleb(offset), Buffer.from([0x0b]), leb(pad), Buffer.alloc(pad, 0x5a)])
        : Buffer.alloc(0);
      body = Buffer.concat([leb(count + 1), body.subarray(p1), segment]);
    }
    parts.push(Buffer.from([id]), leb(body.length), body);
    at = start + size;
  }
  return Buffer.concat(parts);
}

/**
 * `bytes` grown to about `target` bytes of code: small exported functions, so compilation and
 * fuel instrumentation see 1 MB of functions, as with a large Rust or Go filter.
 */
function codeHeavy(bytes: Buffer, target: number): Buffer {
  const m = binaryen.readBinary(bytes);
  const i32 = binaryen.i32;
  let out = Buffer.from(m.emitBinary());
  for (let batch = 0; out.length < target; batch++) {
    for (let k = 0; k < 2000; k++) {
      const i = batch * 2000 + k;
      m.addFunction(`pad${i}`, binaryen.createType([i32]), i32, [],
        m.i32.add(m.i32.mul(m.local.get(0, i32), m.i32.const(i)), m.i32.add(m.local.get(0, i32), m.i32.const(i * 7 + 1))));
      m.addFunctionExport(`pad${i}`, `pad${i}`);
    }
    out = Buffer.from(m.emitBinary());
  }
  m.dispose();
  return out;
}

function withVersion(base: Buffer, v: number): Buffer {
  const b = Buffer.from(base);
  b.write(String(v).padStart(4, '0'), b.indexOf(VERSION_MARK) + VERSION_MARK.length, 'utf16le');
  return b;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

// ---- the measurement ----

const upstream = createServer((req, res) => {
  req.resume();
  req.on('end', () => res.end('ok'));
});
await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
const upPort = (upstream.address() as AddressInfo).port;

async function measure(label: string, base: Buffer): Promise<string> {
  const config = {
    listeners: [{ name: 'main', address: '127.0.0.1:0', route_config: 'rc', http_filters: [{ name: 'ver', wasm: { file } }] }],
    route_configs: [{ name: 'rc', virtual_hosts: [{ name: 'all', domains: ['*'], routes: [{ match: { prefix: '/' }, route: { cluster: 'up' } }] }] }],
    clusters: [{ name: 'up', endpoints: [{ address: `127.0.0.1:${upPort}` }] }],
  };
  const gw = await Gateway.start(parseConfigText(JSON.stringify(config), { format: 'json', baseDir: '/' }), { log: createLogger({ level: 'error' }) });
  const pool = new Pool(`http://127.0.0.1:${gw.listeners()[0]!.port}`, { connections: CLIENTS });
  let stop = false;
  let waitingFor = '';
  let seen: (() => void) | undefined;
  const clients = Array.from({ length: CLIENTS }, async () => {
    while (!stop) {
      const r = await pool.request({ path: '/', method: 'GET' });
      await r.body.text();
      if (r.headers['x-version-resp'] === waitingFor) seen?.();
    }
  });
  const compile: number[] = [];
  const swap: number[] = [];
  const firstStream: number[] = [];
  for (let i = 1; i <= SWAPS; i++) {
    const bytes = withVersion(base, i);
    waitingFor = String(i).padStart(4, '0');
    const first = new Promise<number>((r) => (seen = () => r(performance.now())));
    const t0 = performance.now();
    const report = await gw.rollout.load('ver', bytes);
    const t1 = await first;
    compile.push(report.compile_ms);
    swap.push(report.swap_ms);
    firstStream.push(t1 - t0);
  }
  // After 2 s idle the fuel instrumentation process has exited: the next swap starts it again.
  await new Promise((r) => setTimeout(r, 3000));
  const idleBytes = withVersion(base, SWAPS + 1);
  waitingFor = String(SWAPS + 1).padStart(4, '0');
  const idleFirst = new Promise<number>((r) => (seen = () => r(performance.now())));
  const idle0 = performance.now();
  await gw.rollout.load('ver', idleBytes);
  const idleMs = (await idleFirst) - idle0;
  stop = true;
  await Promise.all(clients);
  await pool.close();
  await gw.stop({ drainTimeoutMs: 100 });
  return `| ${label} | ${(base.length / 1024).toFixed(0)} KB | ${median(compile).toFixed(1)} | ${median(swap).toFixed(1)} | ${median(firstStream).toFixed(1)} | ${idleMs.toFixed(1)} |`;
}

const small = readFileSync(file);
const big = padModule(small, 1024 * 1024 - small.length);
const code = codeHeavy(small, 1024 * 1024);
const rows = [await measure('small', small), await measure('1 MB (data segment)', big), await measure('1 MB (code)', code)];
upstream.close();
process.stdout.write([
  `Filter module swap under load (${CLIENTS} keep-alive clients), median of ${SWAPS} swaps, ms:`,
  '',
  '| module | size | compile | VM start + configure + swap | compile start → first response on the new version | the same, after 3 s idle |',
  '|---|---|---|---|---|---|',
  ...rows,
  '',
].join('\n'));
