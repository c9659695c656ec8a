// Folds the runs of one case into the reported figures: median req/s and latencies over runs,
// CPU seconds per 10k requests over all runs, the highest RSS seen.

/** Median of the finite numbers in `xs`, or null. */
export function median(xs) {
  const v = xs.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

/** @param {{rps, p50Ms, p99Ms, requests, errors, non2xx, cpuSeconds, peakRss}[]} runs */
export function summarize(runs) {
  const requests = runs.reduce((a, r) => a + r.requests, 0);
  const cpu = runs.reduce((a, r) => a + (r.cpuSeconds ?? 0), 0);
  const errors = runs.reduce((a, r) => a + r.errors, 0);
  const non2xx = runs.reduce((a, r) => a + r.non2xx, 0);
  const peak = Math.max(0, ...runs.map((r) => r.peakRss ?? 0));
  return {
    rps: median(runs.map((r) => r.rps)),
    p50Ms: median(runs.map((r) => r.p50Ms)),
    p99Ms: median(runs.map((r) => r.p99Ms)),
    requests,
    errors,
    non2xx,
    cpuPer10k: requests > 0 && cpu > 0 ? (cpu / requests) * 10_000 : null,
    peakRssMB: peak > 0 ? peak / 1048576 : null,
    // Share of the proxy's core taken by other processes during the runs (noise indicator).
    otherLoad: median(runs.map((r) => r.otherLoad)),
  };
}
