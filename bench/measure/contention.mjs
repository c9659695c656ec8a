// How much of the proxy's core went to other processes while a run was measured: on a shared
// machine this says whether a figure can be trusted. Busy time of the pinned cpu comes from
// /proc/stat; the target's own share is subtracted.
import { readFileSync } from 'node:fs';

/**
 * Busy ticks (user, nice, system, steal) of the listed cpus, e.g. "0" or "0,1"; null if
 * unreadable. irq and softirq are left out: loopback packet processing for the target's own
 * traffic lands there, and it would read as someone else's load.
 */
export function busyTicks(cpus) {
  let text;
  try {
    text = readFileSync('/proc/stat', 'utf8');
  } catch {
    return null;
  }
  const wanted = new Set(String(cpus).split(',').map((c) => `cpu${c.trim()}`));
  let busy = 0;
  for (const line of text.split('\n')) {
    const f = line.split(/\s+/);
    if (!wanted.has(f[0])) continue;
    // user nice system idle iowait irq softirq steal
    const [user, nice, system, , , , , steal] = f.slice(1, 9).map(Number);
    busy += user + nice + system + (steal || 0);
  }
  return busy;
}

/**
 * Fraction (0–1) of the cpus' wall time used by processes other than the target.
 * @param {number} busyDelta busy ticks of the cpus over the window
 * @param {number} targetCpuSeconds the target tree's CPU seconds over the window
 */
export function otherShare({ busyDelta, targetCpuSeconds, wallSeconds, ticks, ncpus }) {
  if (busyDelta == null || !(wallSeconds > 0)) return null;
  const others = busyDelta / ticks - targetCpuSeconds;
  return Math.min(1, Math.max(0, others / (wallSeconds * ncpus)));
}

/**
 * Waits (at most `maxMs`) until the cpus were busy less than `share` of one second, while the
 * target is idle between runs, so a re-run starts on a quiet core. Resolves to the last share.
 */
export async function waitQuiet(cpus, { share, maxMs, ticks }) {
  const deadline = Date.now() + maxMs;
  const ncpus = String(cpus).split(',').length;
  let last = null;
  while (Date.now() < deadline) {
    const a = busyTicks(cpus);
    await new Promise((r) => setTimeout(r, 1000));
    const b = busyTicks(cpus);
    if (a == null || b == null) return null;
    last = Math.min(1, (b - a) / ticks / ncpus);
    if (last < share) return last;
  }
  return last;
}
