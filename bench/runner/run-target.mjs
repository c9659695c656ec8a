// Runs one (target, protocol) group: start it, warm it up, measure each body size `runs` times
// with CPU and RSS sampling, the p99 at half the peak rate, the RSS soak when the plan asks for
// one, run the idle-connection test, stop it — always stop it.
import { loadGenerator } from '../load/select.mjs';
import { idleConnectionCost } from '../measure/idle-conns.mjs';
import { TreeSampler } from '../measure/sampler.mjs';
import { waitQuiet } from '../measure/contention.mjs';
import { processTree, rssBytes } from '../measure/proc.mjs';
import { freePort } from '../procs/net.mjs';
import { outcomeOf } from '../scenarios/outcome.mjs';
import { latencyAtHalfRate, soakAtHalfRate } from './paced-phases.mjs';
import { summarize } from './summarize.mjs';

/**
 * @returns {Promise<{cases: object[], idle: object|null, soak: object|null}>} one case per body
 *   size (status ok, skipped or failed, with a reason), the idle-connection result for HTTP/1.1,
 *   and the soak result when `soakMinutes` > 0.
 */
export async function runTarget(ctx, { target, protocol, bodies, soakMinutes = 0 }, upstream) {
  const base = { target: target.id, label: target.label, protocol, sluice: Boolean(target.sluice) };
  const notRun = (status, reason) => (soakMinutes > 0
    ? { target: target.id, label: target.label, minutes: soakMinutes, bodyBytes: bodies[0], status, reason } : null);
  const all = (status, reason) => ({ cases: bodies.map((b) => ({ ...base, bodyBytes: b, status, reason })), idle: null, soak: notRun(status, reason) });

  const missingTools = target.needs.filter((t) => !ctx.tools[t]);
  if (missingTools.length) return all('skipped', `${missingTools.join(', ')} not installed`);
  const pre = target.precheck?.(ctx);
  if (pre) return all('skipped', pre);
  const gen = loadGenerator(ctx, protocol);
  if ('missing' in gen) return all('skipped', gen.missing);
  if (Date.now() + 15_000 > ctx.deadline) return all('skipped', 'harness time bound reached');

  const port = await freePort();
  let handle;
  try {
    handle = await target.start(ctx, { port, upstream, protocol });
  } catch (err) {
    const o = outcomeOf(err);
    return all(o.status, o.reason);
  }
  ctx.log(`  ${target.label} (${protocol}) up on :${handle.port ?? port}, pid ${handle.pid}`);
  const targetPort = handle.port ?? port;
  const loadOpts = { port: targetPort, durationS: ctx.opts.duration, connections: ctx.opts.connections, threads: ctx.opts.threads,
    h2Connections: ctx.opts['h2-connections'], h2Streams: ctx.opts['h2-streams'] };
  const cases = [];
  let idle = null;
  let soak = null;
  try {
    if (ctx.opts.warmup > 0) {
      await gen.run(ctx, { ...loadOpts, bodyBytes: bodies[0], durationS: ctx.opts.warmup }).catch(() => {});
    }
    for (const bodyBytes of bodies) {
      if (handle.alive && !handle.alive()) {
        const last = handle.logTail().trim().split('\n').slice(-3).join(' | ');
        cases.push({ ...base, bodyBytes, status: 'failed', reason: `the target exited during the run${last ? `; output: ${last}` : ''}` });
        continue;
      }
      if (Date.now() + (ctx.opts.duration + 5) * 1000 > ctx.deadline) {
        cases.push({ ...base, bodyBytes, status: 'skipped', reason: 'harness time bound reached' });
        continue;
      }
      const c = await measureBody(ctx, gen, handle, { ...loadOpts, bodyBytes }, base);
      if (c.status === 'ok' && protocol === 'h1' && bodyBytes === bodies[0] && ctx.opts['half-rate']) {
        c.halfRate = await latencyAtHalfRate(ctx, handle, { ...loadOpts, bodyBytes }, c.rps);
      }
      cases.push(c);
    }
    const rssAfter = ctx.procOk ? rssBytes(processTree(handle.pid)) : 0;
    for (const c of cases) {
      if (c.status !== 'ok') continue;
      c.rssAfterMB = rssAfter / 1048576;
      c.peakRssMB = Math.max(c.peakRssMB ?? 0, c.rssAfterMB);
    }
    // Before the idle test, whose thousands of connections would move RSS under the soak.
    if (soakMinutes > 0) {
      const first = cases.find((c) => c.bodyBytes === bodies[0] && c.status === 'ok');
      soak = await soakAtHalfRate(ctx, { target, handle, loadOpts: { ...loadOpts, bodyBytes: bodies[0] },
        peakRps: first?.rps, halfRate: first?.halfRate, minutes: soakMinutes });
      if (soak.status !== 'ok') ctx.log(`  soak ${soak.status}: ${soak.reason}`);
    }
    if (protocol === 'h1' && ctx.opts['idle-conns'] > 0 && ctx.procOk && Date.now() + ctx.idleTimeoutMs < ctx.deadline) {
      const count = Math.min(ctx.opts['idle-conns'], target.maxIdleConns?.(ctx) ?? Infinity);
      ctx.log(`  idle test: ${count} keep-alive connections`);
      try {
        idle = { target: target.id, label: target.label, ...(await idleConnectionCost(ctx, { pid: handle.pid, port: targetPort, count })) };
        ctx.log(`  idle: ${idle.kbPerConn?.toFixed(2)} KB per connection (${idle.openAtRead} open)`);
      } catch (err) {
        idle = { target: target.id, label: target.label, count, kbPerConn: null, note: `failed: ${err.message}` };
      }
    }
  } finally {
    await handle.stop();
  }
  return { cases, idle, soak };
}

async function measureBody(ctx, gen, handle, loadOpts, base) {
  const runs = [];
  const problems = [];
  let retriesLeft = ctx.opts['retry-noisy'];
  let discarded = 0;
  for (let i = 0; i < ctx.opts.runs; i++) {
    const r = await measureOnce(ctx, gen, handle, loadOpts, base, i).catch((err) => {
      problems.push(err.message);
      ctx.log(`    run ${i + 1} failed: ${err.message}`);
      return null;
    });
    if (!r) continue;
    // On a shared machine a run that lost its core to other work says little: try it again.
    if (r.otherLoad != null && r.otherLoad > ctx.opts['noisy-share'] && retriesLeft > 0
      && Date.now() + (ctx.opts.duration + 5) * 1000 < ctx.deadline) {
      retriesLeft--;
      discarded++;
      ctx.log(`    run ${i + 1} discarded: ${Math.round(r.otherLoad * 100)} % of the cpu went to other processes`);
      const quiet = await waitQuiet(handle.cpus, { share: ctx.opts['noisy-share'], maxMs: 30_000, ticks: ctx.ticks });
      if (quiet != null && quiet >= ctx.opts['noisy-share']) {
        // The core never went quiet: further re-runs would only burn time. Take this one.
        ctx.log(`    cpu still ${Math.round(quiet * 100)} % busy after 30 s; keeping the noisy run`);
        retriesLeft = 0;
        discarded--;
        runs.push(r);
        continue;
      }
      i--;
      continue;
    }
    runs.push(r);
  }
  if (runs.length === 0) return { ...base, bodyBytes: loadOpts.bodyBytes, status: 'failed', reason: problems[0], loadGen: gen.name };
  const summary = summarize(runs);
  const bad = summary.errors + summary.non2xx;
  const warning = bad > summary.requests * 0.001 ? `${summary.errors} socket errors, ${summary.non2xx} non-2xx responses` : undefined;
  return { ...base, bodyBytes: loadOpts.bodyBytes, status: 'ok', loadGen: gen.name, ...summary, runs,
    ...(discarded ? { discardedNoisyRuns: discarded } : {}),
    ...(warning ? { warning } : {}), ...(problems.length ? { failedRuns: problems } : {}) };
}

/** One measured run with CPU, RSS and contention sampling; throws when the load generator fails. */
async function measureOnce(ctx, gen, handle, loadOpts, base, i) {
  const sampler = ctx.procOk ? new TreeSampler(handle.pid, { ticks: ctx.ticks, cpus: handle.cpus ?? null }) : null;
  sampler?.start();
  let r;
  let s;
  try {
    r = await gen.run(ctx, loadOpts);
  } finally {
    s = sampler?.stop();
  }
  // A target that accepted connections but answered nothing is a failure, not 0 req/s.
  if (!r.requests) throw new Error(`no request completed in ${loadOpts.durationS} s (${r.errors} socket errors)`);
  ctx.log(`    ${base.protocol} ${loadOpts.bodyBytes} B run ${i + 1}: ${Math.round(r.rps)} req/s, p99 ${r.p99Ms?.toFixed(2)} ms`
    + (s?.otherLoad != null ? `, others took ${Math.round(s.otherLoad * 100)} % of the cpu` : '')
    + (r.errors || r.non2xx ? `, ${r.errors} errors, ${r.non2xx} non-2xx` : ''));
  return { ...r, cpuSeconds: s?.cpuSeconds ?? null, peakRss: s?.peakRss ?? null, otherLoad: s?.otherLoad ?? null };
}
