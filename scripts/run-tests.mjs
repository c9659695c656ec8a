#!/usr/bin/env node
// Runs every compiled test file (dist/test/**/*.test.js) with node's test runner.
// Node 20 has no glob support in `node --test`, so the files are listed here.
// Extra arguments are passed through (e.g. a path filter: `npm test -- router`).
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

const dir = join(process.cwd(), 'dist', 'test');
const files = [];
const walk = (d) => {
  for (const e of readdirSync(d)) {
    const p = join(d, e);
    if (statSync(p).isDirectory()) walk(p);
    else if (e.endsWith('.test.js')) files.push(relative(process.cwd(), p));
  }
};
walk(dir);
const filters = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const selected = filters.length ? files.filter((f) => filters.some((x) => f.includes(x))) : files;
const flags = process.argv.slice(2).filter((a) => a.startsWith('-'));
// A test that hangs fails after 2 minutes (tests that need longer set their own timeout). A test
// file whose process stays alive after its tests (a server left open after a failure) would
// hold the runner forever: the whole run is bounded too, far above its ~3 minutes on 2 cores.
const SUITE_BOUND_MS = 25 * 60_000;
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=2', '--test-timeout=120000', ...flags, ...selected.sort()],
  { stdio: 'inherit', timeout: SUITE_BOUND_MS, killSignal: 'SIGKILL' });
if (r.error) console.error(`run-tests: ${r.error.message} (the suite is bounded to ${SUITE_BOUND_MS / 60_000} minutes)`);
process.exit(r.status ?? 1);
