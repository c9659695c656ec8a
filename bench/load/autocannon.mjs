// autocannon driver (HTTP/1.1 only), the fallback when wrk is missing. It runs as its own pinned
// process (its CLI with --json), never inside the harness, so it does not share the harness's loop.
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pinned } from '../procs/launch.mjs';
import { runBounded } from '../procs/run-bounded.mjs';

/** Path of autocannon's CLI script in node_modules, or null when it is not installed. */
export function autocannonCli() {
  try {
    const require = createRequire(import.meta.url);
    return join(dirname(require.resolve('autocannon/package.json')), 'autocannon.js');
  } catch {
    return null;
  }
}

/** Parses autocannon --json output. Returns null when it holds no result. */
export function parseAutocannon(out) {
  const start = out.indexOf('{');
  if (start < 0) return null;
  let j;
  try {
    j = JSON.parse(out.slice(start));
  } catch {
    return null;
  }
  const seconds = j.duration || 1;
  return {
    rps: (j.requests?.total ?? 0) / seconds,
    requests: j.requests?.total ?? 0,
    p50Ms: j.latency?.p50 ?? null,
    p99Ms: j.latency?.p99 ?? null,
    errors: (j.errors ?? 0) + (j.timeouts ?? 0),
    non2xx: j.non2xx ?? 0,
  };
}

/** Runs one autocannon measurement against 127.0.0.1:port. */
export async function runAutocannon(ctx, { port, bodyBytes, durationS, connections }) {
  const cli = autocannonCli();
  if (!cli) throw new Error('autocannon is not installed (npm install)');
  const args = [cli, '-c', String(connections), '-d', String(durationS), '--json', '--timeout', '5'];
  if (bodyBytes > 0) {
    const body = join(ctx.tmpDir, `body-${bodyBytes}.bin`);
    writeFileSync(body, Buffer.alloc(bodyBytes, 'x'));
    args.push('-m', 'POST', '-i', body, '-H', 'content-type=application/octet-stream');
  }
  args.push(`http://127.0.0.1:${port}/`);
  const { cmd, args: full } = pinned(ctx, ctx.loadCpus, process.execPath, args);
  const r = await runBounded(ctx.tracker, 'autocannon', cmd, full, { timeoutMs: (durationS + 30) * 1000 });
  if (r.timedOut) throw new Error(`autocannon did not finish within ${durationS + 30} s`);
  const parsed = parseAutocannon(r.stdout);
  if (!parsed) throw new Error(`autocannon gave no result (exit ${r.code}): ${r.stderr.trim().split('\n').slice(-2).join(' | ')}`);
  return parsed;
}
