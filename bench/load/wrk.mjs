// wrk driver (HTTP/1.1): `wrk -t1 -c50 -d10s --latency`, POST bodies through a tiny Lua script
// that only sets the request once at start-up (no per-request Lua, which would slow wrk down).
// A caller may pass its own script instead (load/paced.mjs: paced load with a think time).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pinned } from '../procs/launch.mjs';
import { runBounded } from '../procs/run-bounded.mjs';

/** Converts wrk's "1.23ms" / "850.00us" / "1.02s" to milliseconds. */
export function wrkTimeMs(text) {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(text.trim());
  if (!m) return null;
  const scale = { us: 0.001, ms: 1, s: 1000, m: 60000 }[m[2]];
  return Number(m[1]) * scale;
}

/** Parses wrk's text output (with --latency). Returns null when it holds no result. */
export function parseWrk(out) {
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(out);
  const total = /(\d+) requests in ([\d.]+)(\w+)/.exec(out);
  if (!rps || !total) return null;
  const pct = (p) => {
    const m = new RegExp(`^\\s+${p}%\\s+(\\S+)`, 'm').exec(out);
    return m ? wrkTimeMs(m[1]) : null;
  };
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(out);
  return {
    rps: Number(rps[1]),
    requests: Number(total[1]),
    p50Ms: pct(50),
    p99Ms: pct(99),
    errors: sock ? sock.slice(1).reduce((a, b) => a + Number(b), 0) : 0,
    non2xx: non2xx ? Number(non2xx[1]) : 0,
  };
}

/**
 * Runs one wrk measurement against 127.0.0.1:port. With `script`, that Lua file is used as is
 * and `scriptArgs` follow the URL (the script then handles the body itself).
 */
export async function runWrk(ctx, { port, bodyBytes, durationS, connections, threads, script, scriptArgs = [] }) {
  const args = [`-t${threads}`, `-c${connections}`, `-d${durationS}s`, '--latency', '--timeout', '5s'];
  if (script) {
    args.push('-s', script);
  } else if (bodyBytes > 0) {
    const postScript = join(ctx.tmpDir, `wrk-post-${bodyBytes}.lua`);
    writeFileSync(postScript, [
      'wrk.method = "POST"',
      `wrk.body = string.rep("x", ${bodyBytes})`,
      'wrk.headers["Content-Type"] = "application/octet-stream"',
      '',
    ].join('\n'));
    args.push('-s', postScript);
  }
  args.push(`http://127.0.0.1:${port}/`);
  if (script) args.push('--', ...scriptArgs.map(String));
  const { cmd, args: full } = pinned(ctx, ctx.loadCpus, ctx.tools.wrk, args);
  const r = await runBounded(ctx.tracker, 'wrk', cmd, full, { timeoutMs: (durationS + 20) * 1000 });
  if (r.timedOut) throw new Error(`wrk did not finish within ${durationS + 20} s`);
  const parsed = parseWrk(r.stdout);
  if (!parsed) throw new Error(`wrk gave no result (exit ${r.code}): ${(r.stderr || r.stdout).trim().split('\n').slice(-2).join(' | ')}`);
  return parsed;
}
