// Samples a process tree while load runs: peak RSS (every 100 ms) and CPU seconds used between
// start() and stop(). The tree is re-listed each sample so forked workers are counted.
import { busyTicks, otherShare } from './contention.mjs';
import { cpuSeconds, processTree, rssBytes } from './proc.mjs';

/** One sampling window over the tree rooted at `pid`. */
export class TreeSampler {
  /** `cpus`: the cpu list the target is pinned to (null when not pinned: no contention figure). */
  constructor(pid, { ticks, cpus = null, intervalMs = 100 }) {
    // Only a single pinned cpu gives a clean figure: with two, the load generator counts as "other".
    this.cpus = cpus != null && !String(cpus).includes(',') ? cpus : null;
    this.pid = pid;
    this.ticks = ticks;
    this.intervalMs = intervalMs;
    this.peakRss = 0;
    this.timer = null;
    this.cpuStart = 0;
  }

  start() {
    const tree = processTree(this.pid);
    this.cpuStart = cpuSeconds(tree, this.ticks);
    this.wallStart = Date.now();
    this.busyStart = this.cpus == null ? null : busyTicks(this.cpus);
    this.peakRss = rssBytes(tree);
    this.timer = setInterval(() => {
      this.peakRss = Math.max(this.peakRss, rssBytes(processTree(this.pid)));
    }, this.intervalMs);
  }

  /**
   * Ends the window; returns {cpuSeconds, peakRss, rssNow (bytes), otherLoad (0–1 share of the
   * pinned cpus used by other processes, or null)}.
   */
  stop() {
    clearInterval(this.timer);
    const tree = processTree(this.pid);
    const rssNow = rssBytes(tree);
    const used = cpuSeconds(tree, this.ticks) - this.cpuStart;
    const busyEnd = this.cpus == null ? null : busyTicks(this.cpus);
    const otherLoad = this.busyStart == null || busyEnd == null ? null : otherShare({
      busyDelta: busyEnd - this.busyStart, targetCpuSeconds: used, wallSeconds: (Date.now() - this.wallStart) / 1000,
      ticks: this.ticks, ncpus: String(this.cpus).split(',').length,
    });
    return { cpuSeconds: used, peakRss: Math.max(this.peakRss, rssNow), rssNow, otherLoad };
  }
}
