// KB per idle keep-alive connection: RSS of the proxy tree before and after N connections that
// each carried one request and then sit idle. A helper process (servers/idle-client.mjs) on the
// load core holds the connections; the harness reads the proxy's RSS once it settles.
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pinned } from '../procs/launch.mjs';
import { processTree, rssBytes } from './proc.mjs';

const SETTLE_STEP_MS = 250;
const SETTLE_MAX_MS = 4000;

/**
 * Measures the target at `port` whose tree is rooted at `pid`.
 * @returns {Promise<{count: number, opened: number, openAtRead: number, kbPerConn: number|null, note?: string}>}
 */
export async function idleConnectionCost(ctx, { pid, port, count }) {
  const before = await settledRss(pid);
  const { cmd, args } = pinned(ctx, ctx.loadCpus, process.execPath, [
    join(ctx.benchDir, 'servers', 'idle-client.mjs'), '--port', String(port), '--count', String(count),
    '--batch', '50', '--max-seconds', String(Math.ceil(ctx.idleTimeoutMs / 1000)),
  ]);
  const child = ctx.tracker.spawn('idle-client', cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  // The client may exit first (its own time bound): a write then fails with EPIPE, harmlessly.
  child.stdin.on('error', () => {});
  const lines = createInterface({ input: child.stdout });
  const next = () => new Promise((resolve) => {
    const timer = setTimeout(() => resolve(null), ctx.idleTimeoutMs);
    lines.once('line', (l) => { clearTimeout(timer); resolve(safeJson(l)); });
    child.exited.then(() => { clearTimeout(timer); resolve(null); });
  });
  try {
    const opened = await next();
    if (!opened) return { count, opened: 0, openAtRead: 0, kbPerConn: null, note: 'idle client did not finish in time' };
    const after = await settledRss(pid);
    child.stdin.write('count\n');
    const still = await next();
    const openAtRead = still?.open ?? 0;
    const kbPerConn = openAtRead > 0 ? (after - before) / 1024 / openAtRead : null;
    const note = opened.failed ? `${opened.failed} of ${count} connections failed` : undefined;
    return { count, opened: opened.opened, openAtRead, kbPerConn, ...(note ? { note } : {}) };
  } finally {
    child.stdin.end();
    await ctx.tracker.stop(child.pid);
  }
}

/** RSS of the tree once two reads SETTLE_STEP_MS apart differ by under 1% (or after a cap). */
async function settledRss(pid) {
  let prev = rssBytes(processTree(pid));
  const deadline = Date.now() + SETTLE_MAX_MS;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, SETTLE_STEP_MS));
    const now = rssBytes(processTree(pid));
    if (Math.abs(now - prev) < prev * 0.01) return now;
    prev = now;
  }
  return prev;
}

function safeJson(line) {
  try {
    return JSON.parse(line);
  } catch {
    return null;
  }
}
