// RSS over a soak (DESIGN.md: "RSS flat (±10%) over a 10-minute soak at a steady rate"): paced
// wrk at a fixed rate in back-to-back chunks, while the proxy's process tree's RSS is read every
// SAMPLE_EVERY_S. The first minute is warm-up; the median RSS of the next minute is the baseline
// each later minute's median is held to (judgeRss). Between chunks the wait is re-corrected from
// the median time per request seen so far, so the rate stays near the target even when one run
// had a stall.
import { correctedDelayMs, perRequestMs, runPaced } from '../load/paced.mjs';
import { median } from '../runner/summarize.mjs';
import { processTree, rssBytes } from './proc.mjs';
import { TreeSampler } from './sampler.mjs';

/** Seconds between RSS samples. */
export const SAMPLE_EVERY_S = 10;
/** Length of one wrk run of the soak: short enough to notice a dead target or the deadline. */
export const CHUNK_S = 30;
/** The end of the warm-up: samples before it are not judged. */
export const BASELINE_S = 60;
/** Allowed deviation from the baseline, in percent either way. */
export const TOLERANCE_PCT = 10;

/**
 * Judges RSS samples [{tS, rssMB}] by the minute. V8's heap breathes: one sample taken just before
 * a full GC can sit 25 % above the next, so single samples are neither a fair baseline nor a fair
 * verdict. The baseline is the median of the first minute after the warm-up; each later whole
 * minute's median must stay within the tolerance of it (a leak shows as minute medians that keep
 * climbing). min, max and last are over the raw samples from the warm-up on, for the record.
 * `pass` is null when less than one whole minute follows the baseline minute.
 */
export function judgeRss(samples, { baselineS = BASELINE_S, tolerancePct = TOLERANCE_PCT } = {}) {
  // 1 s of slack: the timer that takes a sample may fire a little early.
  const judged = samples.filter((s) => s.tS >= baselineS - 1);
  if (judged.length === 0) {
    return { baselineMB: null, minMB: null, maxMB: null, lastMB: null, maxDeviationPct: null, minuteMediansMB: [], pass: null, note: `no sample after the ${baselineS} s warm-up` };
  }
  const minuteOf = (s) => Math.floor((s.tS - (baselineS - 1)) / 60);
  const byMinute = [];
  for (const s of judged) (byMinute[minuteOf(s)] ??= []).push(s.rssMB);
  const last = judged[judged.length - 1];
  // Only whole minutes count (a trailing part-minute is a handful of samples).
  const whole = byMinute.filter((m, i) => m !== undefined && (i < byMinute.length - 1 || last.tS - (baselineS - 1) >= (i + 1) * 60 - 10));
  const minuteMediansMB = whole.map((m) => median(m));
  const base = minuteMediansMB[0] ?? null;
  const later = minuteMediansMB.slice(1);
  const maxDeviationPct = base > 0 && later.length > 0 ? Math.max(...later.map((x) => Math.abs(x - base) / base * 100)) : null;
  const pass = maxDeviationPct == null ? null : maxDeviationPct <= tolerancePct;
  const raw = judged.map((s) => s.rssMB);
  return {
    baselineMB: base, minMB: Math.min(...raw), maxMB: Math.max(...raw), lastMB: last.rssMB, maxDeviationPct, minuteMediansMB, pass,
    ...(pass == null ? { note: `too short to judge (no whole minute after the baseline minute, which follows the ${baselineS} s warm-up)` } : {}),
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
