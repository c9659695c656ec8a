#!/usr/bin/env node
// `npm run bench`: measures Sluice side by side with nginx, haproxy, @fastify/http-proxy,
// http-proxy and a bare Node floor, in one run, on one machine, against one loopback upstream,
// and writes bench/results/<date>.{md,json,svg}. See bench/README.md.
//
// Every process it starts is tracked and stopped by pid (on exit, error and SIGINT), every
// load run and server start has a time bound, and the whole run has one too (--max-minutes).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseOptions, USAGE } from './cli/options.mjs';
import { clockTicks, procAvailable } from './measure/proc.mjs';
import { ProcessTracker } from './procs/tracker.mjs';
import { writeResults, stamp } from './report/write.mjs';
import { runTarget } from './runner/run-target.mjs';
import { boundSeconds, buildPlan, estimateSeconds } from './scenarios/plan.mjs';
import { describeEnvironment, loadAverage } from './setup/environment.mjs';
import { ensureTools } from './setup/tools.mjs';
import { startUpstream } from './upstream/upstream.mjs';

const benchDir = dirname(fileURLToPath(import.meta.url));
const root = resolve(benchDir, '..');

function openFileLimit() {
  try {
    return Number(execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim()) || 1024;
  } catch {
    return 1024;
  }
}

async function main() {
  let opts;
  try {
    opts = parseOptions(process.argv.slice(2), process.env);
  } catch (err) {
    console.error(`bench: ${err.message}`);
    process.exit(2);
  }
  if (opts.help) {
    console.log(USAGE);
    return;
  }
  if (opts['dry-run']) {
    const plan = buildPlan(opts);
    for (const g of plan) {
      console.log(`${g.target.id.padEnd(20)} ${g.protocol}  bodies ${g.bodies.join(', ')}${g.soakMinutes ? `  + RSS soak ${g.soakMinutes} min` : ''}`);
    }
    const estimate = estimateSeconds(plan, opts);
    const bound = boundSeconds(plan, opts);
    console.log(`${plan.length} groups, about ${Math.round(estimate / 60)} min when every target runs (hard bound ${Math.round(bound / 60)} min)`);
    return;
  }
  const started = new Date();
  const log = (msg) => console.log(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(4)}s] ${msg}`);
  const tracker = new ProcessTracker({ log });
  const tmpDir = mkdtempSync(join(os.tmpdir(), 'sluice-bench-'));
  const nofile = openFileLimit();
  const ctx = {
    root, benchDir, tracker, log, opts, tmpDir,
    readyTimeoutMs: 20_000,
    idleTimeoutMs: Math.max(60_000, opts['idle-conns'] * 8),
    ticks: clockTicks(),
    procOk: procAvailable(),
    haproxyMaxconn: Math.max(100, Math.floor((nofile - 100) / 2)),
    deadline: Infinity,
  };
  const results = {
    meta: {
      date: `${started.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
      stamp: stamp(started), quick: opts.quick, runs: opts.runs, durationS: opts.duration, warmupS: opts.warmup,
      bodies: opts.bodies, idleConns: opts['idle-conns'], halfRate: opts['half-rate'], soakMinutes: opts.soak, notes: [], options: opts,
    },
    cases: [],
    idle: [],
    soak: [],
  };
  const outDir = resolve(root, opts.out);
  let written = false;
  const finish = (aborted) => {
    if (written) return null;
    written = true;
    results.meta.elapsedS = (Date.now() - started) / 1000;
    if (aborted) results.meta.aborted = aborted;
    if (!results.meta.env) return null;
    results.meta.env.loadAvgAtEnd = loadAverage();
    return writeResults(outDir, results);
  };
  tracker.install(async (reason) => {
    const files = finish(reason.split('\n')[0]);
    if (files) log(`partial report: ${relative(process.cwd(), files.md)}`);
    rmSync(tmpDir, { recursive: true, force: true });
  });

  const tools = await ensureTools(ctx, { install: opts.install });
  ctx.tools = tools.paths;
  results.meta.notes.push(...tools.notes);
  if (tools.installed.length) results.meta.notes.push(`installed from apt for this run: ${tools.installed.join(', ')}`);
  const pinOk = opts.pin && ctx.tools.taskset && os.cpus().length >= 2;
  ctx.pinning = Boolean(pinOk);
  ctx.proxyCpus = pinOk ? '0' : null;
  ctx.loadCpus = pinOk ? '1' : null;
  if (!ctx.procOk) results.meta.notes.push('/proc not readable: CPU, RSS and idle-connection columns are empty');
  if (!ctx.tools.wrk || opts.load === 'autocannon') results.meta.notes.push('HTTP/1.1 load by autocannon (wrk not used): its own overhead lowers every figure; compare ratios only');
  results.meta.env = describeEnvironment(ctx.tools);
  results.meta.layout = {
    pinned: ctx.pinning, proxyCpus: ctx.proxyCpus ?? 'any', loadCpus: ctx.loadCpus ?? 'any',
    whyNotPinned: !opts.pin ? '--no-pin' : !ctx.tools.taskset ? 'taskset missing' : 'fewer than 2 cpus',
    h1: `${ctx.tools.wrk && opts.load !== 'autocannon' ? `wrk -t${opts.threads}` : 'autocannon'} -c${opts.connections}, keep-alive`,
    paced: ctx.tools.wrk ? `wrk -t${opts.threads} -c${opts.connections} with an exponential wait per connection after each response (load/paced.lua), the mean set by a 3 s calibration run` : null,
    h2: ctx.tools.h2load ? `h2load -t1 -c${opts['h2-connections']} -m${opts['h2-streams']} (h2c, prior knowledge)` : 'HTTP/2 not measured (no h2load)',
  };

  const plan = buildPlan(opts);
  for (const t of new Set(plan.map((g) => g.target))) if (t.describe) results.meta.notes.push(t.describe(ctx));
  const estimate = estimateSeconds(plan, opts);
  const boundS = boundSeconds(plan, opts);
  ctx.deadline = started.getTime() + boundS * 1000;
  log(`${plan.length} target/protocol groups, estimated ${Math.round(estimate)} s, hard bound ${boundS} s`);
  // The last line of defence: if a step hangs past every inner bound, stop everything.
  const watchdog = setTimeout(() => process.emit('SIGTERM'), (boundS + 60) * 1000);

  const upstream = await startUpstream(ctx, { prefer: opts.upstream });
  results.meta.upstream = upstream.kind;
  if (opts.upstream !== 'node' && upstream.kind !== 'nginx') results.meta.notes.push('nginx not available: the upstream is a Node http server, which caps every target lower');
  log(`upstream (${upstream.kind}) on :${upstream.port}, pid ${upstream.handle.pid}`);
  try {
    for (const group of plan) {
      log(`${group.target.label} — ${group.protocol}`);
      const r = await runTarget(ctx, group, upstream);
      for (const c of r.cases) if (c.status !== 'ok') log(`  ${c.status}: ${c.reason}`);
      results.cases.push(...r.cases);
      if (r.idle) results.idle.push(r.idle);
      if (r.soak) results.soak.push(r.soak);
    }
  } finally {
    await upstream.handle.stop();
  }
  clearTimeout(watchdog);
  const files = finish(null);
  await tracker.stopAll();
  rmSync(tmpDir, { recursive: true, force: true });
  log(`report: ${relative(process.cwd(), files.md)} (+ .json, .svg)`);
  for (const c of results.cases) {
    const what = c.status === 'ok' ? `${Math.round(c.rps)} req/s, p99 ${c.p99Ms?.toFixed(2)} ms` : `${c.status}: ${c.reason}`;
    console.log(`  ${c.target.padEnd(20)} ${c.protocol} ${String(c.bodyBytes).padStart(5)} B  ${what}`);
  }
}

await main();
