// h2load driver (HTTP/2, h2c prior knowledge): -t1 -c10 -m10 by default. h2load prints only
// mean/sd request times, so p50/p99 come from its per-request --log-file. The fixed-rate
// HTTP/1.1 run is not done here: h2load's --rps clients fire in lockstep (see load/paced.mjs).
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pinned } from '../procs/launch.mjs';
import { runBounded } from '../procs/run-bounded.mjs';

/** Parses h2load's summary. Returns null when it holds no result. */
export function parseH2load(out) {
  const fin = /finished in ([\d.]+)(s|ms), ([\d.]+) req\/s/.exec(out);
  const reqs = /requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored, (\d+) timeout/.exec(out);
  if (!fin || !reqs) return null;
  const codes = /status codes: (\d+) 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx/.exec(out);
  return {
    rps: Number(fin[3]),
    requests: Number(reqs[3]),
    errors: Number(reqs[5]) + Number(reqs[6]) + Number(reqs[7]),
    non2xx: codes ? Number(codes[3]) + Number(codes[4]) : 0,
  };
}

/** p50/p99 in ms from a --log-file (start µs, status, duration µs per line). */
export function percentilesFromLog(text) {
  const d = [];
  for (const line of text.split('\n')) {
    const cols = line.split('\t');
    if (cols.length >= 3) d.push(Number(cols[2]));
  }
  if (d.length === 0) return { p50Ms: null, p99Ms: null };
  d.sort((a, b) => a - b);
  const at = (q) => d[Math.min(d.length - 1, Math.floor(q * d.length))] / 1000;
  return { p50Ms: at(0.5), p99Ms: at(0.99) };
}

/** Runs one h2load measurement (h2c, prior knowledge) against 127.0.0.1:port. */
export async function runH2load(ctx, { port, bodyBytes, durationS, h2Connections, h2Streams }) {
  const log = join(ctx.tmpDir, `h2load-${port}.log`);
  const args = ['-t1', `-c${h2Connections}`, `-m${h2Streams}`];
  args.push('-D', String(durationS), `--log-file=${log}`);
  if (bodyBytes > 0) {
    const body = join(ctx.tmpDir, `body-${bodyBytes}.bin`);
    writeFileSync(body, Buffer.alloc(bodyBytes, 'x'));
    args.push('-d', body);
  }
  args.push(`http://127.0.0.1:${port}/`);
  const { cmd, args: full } = pinned(ctx, ctx.loadCpus, ctx.tools.h2load, args);
  const r = await runBounded(ctx.tracker, 'h2load', cmd, full, { timeoutMs: (durationS + 20) * 1000 });
  if (r.timedOut) throw new Error(`h2load did not finish within ${durationS + 20} s`);
  const parsed = parseH2load(r.stdout);
  if (!parsed) throw new Error(`h2load gave no result (exit ${r.code}): ${(r.stderr || r.stdout).trim().split('\n').slice(-2).join(' | ')}`);
  let pcts = { p50Ms: null, p99Ms: null };
  try {
    pcts = percentilesFromLog(readFileSync(log, 'utf8'));
  } finally {
    rmSync(log, { force: true });
  }
  return { ...parsed, ...pcts };
}
