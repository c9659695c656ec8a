// RSS over a soak (DESIGN.md: "RSS flat (±10%) over a 10-minute soak at a steady rate"): paced
// wrk at a fixed rate in back-to-back chunks, while the proxy's process tree's RSS is read every
// SAMPLE_EVERY_S. The first minute is warm-up; the RSS at its end is the baseline the rest is
// held to. Between chunks the wait is re-corrected from the median time per request seen so far,
// so the rate stays near the target even when one run had a stall.
import { correctedDelayMs, perRequestMs, runPaced } from '../load/paced.mjs';
import { median } from '../runner/summarize.mjs';
import { processTree, rssBytes } from './proc.mjs';
import { TreeSampler } from './sampler.mjs';

/** Seconds between RSS samples. */
export const SAMPLE_EVERY_S = 10;
/** Length of one wrk run of the soak: short enough to notice a dead target or the deadline. */
export const CHUNK_S = 30;
/** The end of the warm-up: the sample taken then is the baseline. */
export const BASELINE_S = 60;
/** Allowed deviation from the baseline, in percent either way. */
export const TOLERANCE_PCT = 10;

/**
 * Judges RSS samples [{tS, rssMB}]: baseline = the first sample at or after BASELINE_S; min,
 * max, last and the largest deviation (%) over the samples from the baseline on. `pass` is null
 * when less than a minute of samples follows the baseline: too short to call flat.
 */
export function judgeRss(samples, { baselineS = BASELINE_S, tolerancePct = TOLERANCE_PCT } = {}) {
  // 1 s of slack: the timer that takes the 60 s sample may fire a little early.
  const at = samples.findIndex((s) => s.tS >= baselineS - 1);
  if (at < 0) return { baselineMB: null, minMB: null, maxMB: null, lastMB: null, maxDeviationPct: null, pass: null, note: `no sample after the ${baselineS} s warm-up` };
  const base = samples[at].rssMB;
  const window = samples.slice(at).map((s) => s.rssMB);
  const minMB = Math.min(...window);
  const maxMB = Math.max(...window);
  const maxDeviationPct = base > 0 ? Math.max(...window.map((x) => Math.abs(x - base) / base * 100)) : null;
  const judgedS = samples[samples.length - 1].tS - samples[at].tS;
  const pass = maxDeviationPct == null || judgedS < 60 ? null : maxDeviationPct <= tolerancePct;
  return {
    baselineMB: base, minMB, maxMB, lastMB: window[window.length - 1], maxDeviationPct, pass,
    ...(judgedS < 60 ? { note: `too short to judge (only ${judgedS} s of samples after the ${baselineS} s warm-up)` } : {}),
  };
}

/**
 * Runs the soak against 127.0.0.1:port for `minutes` at `targetRps`, sampling the tree rooted at
 * `pid` (pinned to `cpus`, for the share other processes took of that cpu per chunk).
 * `perRequestSeed`: ms per request from earlier paced runs (load/paced.mjs perRequestMs), which
 * set the first wait. Stops early, with a note, when the target exits, a wrk run fails, or the
 * harness deadline is near. Never throws for those.
 */
export async function rssSoak(ctx, { pid, cpus = null, alive, port, bodyBytes, connections, threads, targetRps, perRequestSeed, minutes }) {
  const seen = perRequestSeed.filter((x) => x != null);
  let meanDelayMs = correctedDelayMs({ connections, targetRps, perRequest: median(seen) });
  const totalS = Math.round(minutes * 60);
  const samples = [];
  const t0 = Date.now();
  const sample = () => {
    samples.push({ tS: Math.round((Date.now() - t0) / 1000), rssMB: Math.round(rssBytes(processTree(pid)) / 10485.76) / 100 });
  };
  sample();
  const timer = setInterval(sample, SAMPLE_EVERY_S * 1000);
  const chunks = [];
  let stopped = null;
  try {
    for (;;) {
      const leftS = totalS - Math.floor((Date.now() - t0) / 1000);
      if (leftS < 1) break;
      const durationS = Math.min(CHUNK_S, leftS);
      if (alive && !alive()) { stopped = 'the target exited during the soak'; break; }
      if (Date.now() + (durationS + 25) * 1000 > ctx.deadline) { stopped = 'harness time bound reached'; break; }
      // Only for CPU and contention: its own RSS peak is not used (the 10 s samples are).
      const sampler = new TreeSampler(pid, { ticks: ctx.ticks, cpus, intervalMs: 5000 });
      sampler.start();
      try {
        const r = await runPaced(ctx, { port, bodyBytes, durationS, connections, threads, meanDelayMs });
        const s = sampler.stop();
        const chunk = { atS: Math.round((Date.now() - t0) / 1000), durationS, meanDelayMs, rps: r.rps, requests: r.requests,
          p50Ms: r.p50Ms, p99Ms: r.p99Ms, errors: r.errors, non2xx: r.non2xx, cpuSeconds: s.cpuSeconds, otherLoad: s.otherLoad };
        chunks.push(chunk);
        seen.push(perRequestMs({ connections, meanDelayMs, achievedRps: r.rps }));
        meanDelayMs = correctedDelayMs({ connections, targetRps, perRequest: median(seen) });
        ctx.log(`    soak ${chunk.atS} s: ${Math.round(r.rps)} req/s, p99 ${r.p99Ms?.toFixed(2)} ms, RSS ${samples[samples.length - 1].rssMB.toFixed(1)} MB`
          + (s.otherLoad != null ? `, others took ${Math.round(s.otherLoad * 100)} % of the cpu` : ''));
      } catch (err) {
        sampler.stop();
        stopped = `a load run failed: ${err.message}`;
        break;
      }
    }
  } finally {
    clearInterval(timer);
  }
  // A closing sample, unless the timer just took one.
  if (Date.now() - t0 - samples[samples.length - 1].tS * 1000 > 2000) sample();
  const requests = chunks.reduce((a, c) => a + c.requests, 0);
  const loadS = chunks.reduce((a, c) => a + c.durationS, 0);
  const judged = judgeRss(samples);
  const notes = [stopped ? `stopped after ${samples[samples.length - 1].tS} s: ${stopped}` : null, judged.note].filter(Boolean);
  return {
    minutes, seconds: samples[samples.length - 1].tS, targetRps, rps: loadS > 0 ? requests / loadS : null,
    requests, errors: chunks.reduce((a, c) => a + c.errors + c.non2xx, 0),
    p99MsMax: chunks.length ? Math.max(...chunks.map((c) => c.p99Ms ?? 0)) : null,
    otherLoadMax: chunks.some((c) => c.otherLoad != null) ? Math.max(...chunks.map((c) => c.otherLoad ?? 0)) : null,
    connections, meanDelayMs: chunks[0]?.meanDelayMs ?? meanDelayMs, tolerancePct: TOLERANCE_PCT,
    ...judged, ...(notes.length ? { note: notes.join('; ') } : {}),
    samples, chunks,
  };
}
