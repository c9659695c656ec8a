// The two phases of a target that run at a set rate rather than flat out, both at half the
// measured peak rate of the first body size: the p99 run (DESIGN.md: "p99 under half of the
// peak rate ≤ 2 ms") and the RSS soak ("RSS flat (±10%) over a 10-minute soak at a steady
// rate"). Both pace wrk with load/paced.lua; see load/paced.mjs for why not h2load --rps.
import { calibratePace, latencyAtRate, perRequestMs } from '../load/paced.mjs';
import { TreeSampler } from '../measure/sampler.mjs';
import { rssSoak } from '../measure/soak.mjs';

/**
 * p99 at half of `peakRps` against the target `handle`. Returns the report's `halfRate` object
 * ({targetRps, rps, p50Ms, p99Ms}, how it was paced, and `otherLoad`: the share of the proxy's
 * cpu other processes took meanwhile), or null when wrk is missing, the time bound is near, or
 * the run failed (the column then stays empty).
 */
export async function latencyAtHalfRate(ctx, handle, loadOpts, peakRps) {
  if (!ctx.tools.wrk || !(peakRps > 0)) return null;
  if (Date.now() + (ctx.opts.duration + 30) * 1000 > ctx.deadline) return null;
  // Calibration included: a stall there skews the pace as much as one in the measured run.
  const sampler = ctx.procOk ? new TreeSampler(handle.pid, { ticks: ctx.ticks, cpus: handle.cpus ?? null, intervalMs: 1000 }) : null;
  sampler?.start();
  try {
    const r = await latencyAtRate(ctx, { ...loadOpts, targetRps: peakRps / 2 });
    r.otherLoad = sampler?.stop().otherLoad ?? null;
    ctx.log(`    at half rate (${Math.round(r.targetRps)} req/s, mean wait ${r.meanDelayMs.toFixed(2)} ms per connection): `
      + `${Math.round(r.rps)} req/s, p50 ${r.p50Ms?.toFixed(2)} ms, p99 ${r.p99Ms?.toFixed(2)} ms`
      + (r.otherLoad != null ? `, others took ${Math.round(r.otherLoad * 100)} % of the cpu` : '')
      + (r.short || r.over ? ` — the rate reached is ${Math.round(Math.abs(1 - r.rps / r.targetRps) * 100)} % ${r.short ? 'under' : 'over'} the target` : ''));
    return r;
  } catch (err) {
    sampler?.stop();
    ctx.log(`    half-rate run failed: ${err.message}`);
    return null;
  }
}

/**
 * The RSS soak of one target for `minutes` at half of `peakRps`. Starts from the pace the
 * half-rate run found when there is one. Always returns a result with `status` ok, skipped or
 * failed (and a `reason`), so the report can say why a soak is missing.
 */
export async function soakAtHalfRate(ctx, { target, handle, loadOpts, peakRps, halfRate, minutes }) {
  const base = { target: target.id, label: target.label, minutes, bodyBytes: loadOpts.bodyBytes };
  const skip = (reason) => ({ ...base, status: 'skipped', reason });
  if (!ctx.tools.wrk) return skip('wrk not installed (the soak paces its load with wrk)');
  if (!ctx.procOk) return skip('/proc not readable: no RSS to sample');
  if (!(peakRps > 0)) return skip('no peak rate: the first body size was not measured');
  if (handle.alive && !handle.alive()) return skip('the target exited before the soak');
  if (Date.now() + (minutes * 60 + 40) * 1000 > ctx.deadline) return skip('harness time bound reached');
  const targetRps = peakRps / 2;
  const { connections } = loadOpts;
  // Time per request seen by the half-rate run (its calibration and its measured run), or by a
  // calibration of the soak's own: it sets the first wait.
  let seed = halfRate?.targetRps === targetRps
    ? [halfRate.calibration?.perRequestMs, perRequestMs({ connections, meanDelayMs: halfRate.meanDelayMs, achievedRps: halfRate.rps })]
    : [];
  if (seed.every((x) => x == null)) {
    try {
      seed = [(await calibratePace(ctx, { ...loadOpts, targetRps })).calibration.perRequestMs];
    } catch (err) {
      return { ...base, status: 'failed', reason: `calibration run failed: ${err.message}` };
    }
  }
  ctx.log(`  soak: ${minutes} min at ${Math.round(targetRps)} req/s, RSS every 10 s`);
  const r = await rssSoak(ctx, { pid: handle.pid, cpus: handle.cpus ?? null, alive: handle.alive, port: loadOpts.port, bodyBytes: loadOpts.bodyBytes,
    connections, threads: loadOpts.threads, targetRps, perRequestSeed: seed, minutes });
  ctx.log(`  soak: baseline ${r.baselineMB?.toFixed(1) ?? '—'} MB, min ${r.minMB?.toFixed(1) ?? '—'}, max ${r.maxMB?.toFixed(1) ?? '—'}, `
    + `last ${r.lastMB?.toFixed(1) ?? '—'}, max deviation ${r.maxDeviationPct?.toFixed(1) ?? '—'} %`
    + `${r.pass == null ? '' : r.pass ? ' (flat)' : ' (not flat)'}${r.note ? `; ${r.note}` : ''}`);
  const status = r.samples.length > 1 && r.requests > 0 ? 'ok' : 'failed';
  return { ...base, status, ...(status === 'failed' ? { reason: r.note ?? 'no load ran' } : {}), ...r };
}
