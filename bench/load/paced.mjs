// Paced HTTP/1.1 load at a set rate: wrk with load/paced.lua, where every connection waits an
// exponentially distributed time after each response. Used for "p99 at half the peak rate" and
// for the RSS soak.
//
// Why not h2load --rps: its per-client timers all start together, so its clients fire in
// lockstep and the p99 it reports is the depth of that burst's queue, not the proxy's latency.
// autocannon -R sends each second's quota in one burst, with the same flaw.
//
// The wait is closed-loop (it starts after the response), so the rate reached is
// connections / (mean wait + time per request), a little under the target. A short
// calibration run measures that extra time per request and takes it off the mean wait.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runWrk } from './wrk.mjs';

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'paced.lua');

/** Seconds of the calibration run. */
export const CALIBRATE_S = 3;

/** Achieved rates more than this share under (over) the target are flagged as short (over). */
export const OFF_SHARE = 0.15;

/** Mean wait per connection (ms) that gives `rps` in total if requests took no time. */
export function nominalDelayMs(connections, rps) {
  return (connections / rps) * 1000;
}

/**
 * Milliseconds each request added to a connection's cycle in a run at `meanDelayMs` that
 * reached `achievedRps`: connections / achieved − wait (null without a rate).
 */
export function perRequestMs({ connections, meanDelayMs, achievedRps }) {
  return achievedRps > 0 ? nominalDelayMs(connections, achievedRps) - meanDelayMs : null;
}

/**
 * The mean wait that gives `targetRps` when each request adds `perRequest` ms to the cycle.
 * Kept within 0.6× and 2× the nominal wait: one stall-ridden run must not turn the paced load
 * into one near the peak rate (0.6× allows at most 1.7× the target).
 */
export function correctedDelayMs({ connections, targetRps, perRequest }) {
  const nominal = nominalDelayMs(connections, targetRps);
  if (perRequest == null) return nominal;
  return Math.min(2 * nominal, Math.max(0.6 * nominal, nominal - perRequest));
}

/**
 * One paced wrk run at a fixed mean wait; returns wrk's figures ({rps, requests, p50Ms, p99Ms,
 * errors, non2xx}). Throws when wrk fails or completes no request.
 */
export async function runPaced(ctx, { port, bodyBytes, durationS, connections, threads, meanDelayMs }) {
  const r = await runWrk(ctx, {
    port, bodyBytes, durationS, connections, threads,
    script: SCRIPT, scriptArgs: [meanDelayMs.toFixed(3), bodyBytes],
  });
  if (!r.requests) throw new Error(`paced run completed no request in ${durationS} s (${r.errors} socket errors)`);
  return r;
}

/**
 * Finds the mean wait that holds `targetRps`: a CALIBRATE_S run at the nominal wait, then one
 * correction. Returns {meanDelayMs, calibration: {meanDelayMs, rps, perRequestMs}}.
 */
export async function calibratePace(ctx, { port, bodyBytes, connections, threads, targetRps }) {
  const first = nominalDelayMs(connections, targetRps);
  const r = await runPaced(ctx, { port, bodyBytes, durationS: CALIBRATE_S, connections, threads, meanDelayMs: first });
  const perRequest = perRequestMs({ connections, meanDelayMs: first, achievedRps: r.rps });
  const meanDelayMs = correctedDelayMs({ connections, targetRps, perRequest });
  return { meanDelayMs, calibration: { meanDelayMs: first, rps: r.rps, perRequestMs: perRequest } };
}

/**
 * Latency at a fixed rate: calibrate, then one measured run of `durationS`. Returns the
 * report's `halfRate` shape {targetRps, rps, p50Ms, p99Ms} plus how it was paced, and
 * `short: true` (`over: true`) when the rate reached was more than OFF_SHARE under (over) the
 * target: stalls hold a closed loop back, and a calibration run disturbed by other work
 * mis-corrects the wait.
 */
export async function latencyAtRate(ctx, { port, bodyBytes, durationS, connections, threads, targetRps }) {
  const pace = await calibratePace(ctx, { port, bodyBytes, connections, threads, targetRps });
  const r = await runPaced(ctx, { port, bodyBytes, durationS, connections, threads, meanDelayMs: pace.meanDelayMs });
  return {
    targetRps, rps: r.rps, p50Ms: r.p50Ms, p99Ms: r.p99Ms,
    requests: r.requests, errors: r.errors, non2xx: r.non2xx,
    connections, meanDelayMs: pace.meanDelayMs, calibration: pace.calibration,
    ...(r.rps < targetRps * (1 - OFF_SHARE) ? { short: true } : {}),
    ...(r.rps > targetRps * (1 + OFF_SHARE) ? { over: true } : {}),
  };
}
