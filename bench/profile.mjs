#!/usr/bin/env node
// Where Sluice's CPU goes under load: runs one Sluice scenario (bench/scenarios) with
// `node --cpu-prof` behind the bench's loopback upstream, drives it with wrk, and writes the
// profile plus a Markdown summary (by layer and by function).
//   npm run bench:profile -- [--scenario sluice] [--duration 8] [--connections 50] [--out DIR]
// Same layout as the benchmark: proxy on cpu 0, wrk and upstream on cpu 1 (when taskset exists).
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { SLUICE_SCENARIOS, resolveScenarioFilters, sluiceConfig } from './scenarios/sluice-scenarios.mjs';
import { cpuProfileMarkdown, summariseCpuProfile } from './report/cpu-profile.mjs';
import { freePort, waitHttpOk } from './procs/net.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values: opts } = parseArgs({
  options: {
    scenario: { type: 'string', default: 'sluice' },
    duration: { type: 'string', default: '8' },
    connections: { type: 'string', default: '50' },
    out: { type: 'string', default: join(root, 'bench', 'results', 'profiles') },
  },
});

const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const pinned = (cpu, cmd, args) => (has('taskset') ? ['taskset', ['-c', cpu, cmd, ...args]] : [cmd, args]);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitForPort(port, timeoutMs) {
  const r = await waitHttpOk(port, { timeoutMs });
  if (!r.ready) throw new Error(`port ${port}: ${r.reason}`);
}

const scenario = SLUICE_SCENARIOS.find((s) => s.id === opts.scenario);
if (!scenario) {
  console.error(`unknown scenario ${opts.scenario}; one of ${SLUICE_SCENARIOS.map((s) => s.id).join(', ')}`);
  process.exit(2);
}
if (!has('wrk')) {
  console.error('wrk is needed (apt-get install wrk)');
  process.exit(2);
}
const resolved = resolveScenarioFilters(root, scenario);
if ('missing' in resolved) {
  console.error(resolved.missing);
  process.exit(2);
}

const work = mkdtempSync(join(tmpdir(), 'sluice-profile-'));
const children = [];
const start = (cpu, cmd, args) => {
  const [c, a] = pinned(cpu, cmd, args);
  const child = spawn(c, a, { stdio: ['ignore', 'ignore', 'inherit'] });
  children.push(child);
  return child;
};
// SIGTERM first: nginx's master stops its worker then (a SIGKILLed master leaves it running).
const stopAll = async () => {
  const live = children.filter((c) => c.exitCode === null && c.signalCode === null);
  for (const c of live) c.kill('SIGTERM');
  await Promise.race([Promise.all(live.map((c) => new Promise((r) => c.once('exit', r)))), sleep(3000)]);
  for (const c of live) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
};
process.on('SIGINT', () => {
  void stopAll().then(() => process.exit(130));
});

try {
  const upPort = await freePort();
  if (has('nginx')) {
    writeFileSync(join(work, 'nginx.conf'), `worker_processes 1; daemon off; pid ${work}/nginx.pid; error_log ${work}/error.log;
events { worker_connections 4096; }
http { access_log off; client_body_temp_path ${work}/body; keepalive_requests 1000000;
  server { listen 127.0.0.1:${upPort} backlog=4096; location / { default_type text/plain; return 200 "hello world"; } } }
`);
    start('1', 'nginx', ['-c', join(work, 'nginx.conf'), '-p', work]);
  } else {
    start('1', process.execPath, [join(root, 'bench', 'servers', 'static-upstream.mjs'), '--port', String(upPort)]);
  }
  await waitForPort(upPort, 5000);

  const port = await freePort();
  const adminPort = await freePort();
  const cfg = join(work, 'sluice.yaml');
  writeFileSync(cfg, stringify(sluiceConfig({ scenario, filters: resolved.filters, port, adminPort, upstream: { port: upPort } })));
  const profDir = join(work, 'prof');
  const sluice = start('0', process.execPath, ['--cpu-prof', `--cpu-prof-dir=${profDir}`, join(root, 'bin', 'sluice.js'), 'run', '-c', cfg]);
  await waitForPort(port, 20_000);

  const wrk = (secs) => {
    const [c, a] = pinned('1', 'wrk', ['-t1', `-c${opts.connections}`, `-d${secs}s`, `http://127.0.0.1:${port}/`]);
    return spawnSync(c, a, { encoding: 'utf8' }).stdout;
  };
  wrk(2); // warm-up: JIT and wasm tier-up before the measured part dominates the profile
  const out = wrk(Number(opts.duration));
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(out)?.[1];
  sluice.kill('SIGINT'); // a graceful stop writes the profile
  await new Promise((r) => sluice.once('exit', r));

  // The main thread writes the largest profile (the fuel worker thread has its own, small one).
  const files = readdirSync(profDir).map((f) => join(profDir, f)).sort((a, b) => statSync(b).size - statSync(a).size);
  if (files.length === 0) throw new Error('no profile was written');
  mkdirSync(opts.out, { recursive: true });
  const stamp = new Date().toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-');
  const base = join(opts.out, `${stamp}-${scenario.id}`);
  copyFileSync(files[0], `${base}.cpuprofile`);
  const md = [
    `# CPU profile: ${scenario.label}`,
    '',
    `wrk -t1 -c${opts.connections} for ${opts.duration} s after a 2 s warm-up: ${rps ?? '?'} req/s (under the profiler, so lower than in the benchmark).`,
    `Profile: \`${base.split('/').pop()}.cpuprofile\`, beside this file (not committed; open it in Chrome DevTools → Performance).`,
    '',
    cpuProfileMarkdown(summariseCpuProfile(files[0])),
    '',
  ].join('\n');
  writeFileSync(`${base}.md`, md);
  console.log(md);
  console.log(`written: ${base}.md and .cpuprofile`);
} finally {
  await stopAll();
}
