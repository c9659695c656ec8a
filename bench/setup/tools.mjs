// Finds the external tools the harness drives and installs missing ones from Debian's apt
// (one `apt-get update`, then one install). Without apt (or without root) the peers that need a
// missing tool are skipped and the report says so; the load falls back to autocannon.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { runBounded } from '../procs/run-bounded.mjs';

/** Tool binary → the Debian package that ships it. */
export const APT_PACKAGES = {
  nginx: 'nginx',
  haproxy: 'haproxy',
  wrk: 'wrk',
  h2load: 'nghttp2-client',
};

const SEARCH_EXTRA = ['/usr/sbin', '/sbin', '/usr/local/sbin'];

/** Absolute path of an executable on PATH (plus the sbin dirs), or null. */
export function which(name) {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), ...SEARCH_EXTRA];
  for (const dir of dirs) {
    if (!dir) continue;
    const p = join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return null;
}

function findAll() {
  const found = {};
  for (const name of [...Object.keys(APT_PACKAGES), 'taskset', 'apt-get']) found[name] = which(name);
  return found;
}

/**
 * Locates tools, installing missing ones with apt when allowed.
 * @returns {Promise<{paths: Record<string,string|null>, installed: string[], notes: string[]}>}
 */
export async function ensureTools(ctx, { install }) {
  let paths = findAll();
  const notes = [];
  const missing = Object.keys(APT_PACKAGES).filter((t) => !paths[t]);
  const installed = [];
  if (missing.length === 0) return { paths, installed, notes };
  const pkgs = [...new Set(missing.map((t) => APT_PACKAGES[t]))];
  if (!install) {
    notes.push(`not installing ${pkgs.join(', ')} (--no-install): peers needing them are skipped`);
    return { paths, installed, notes };
  }
  if (!paths['apt-get']) {
    notes.push(`apt-get not available: ${missing.join(', ')} missing; peers needing them are skipped`);
    return { paths, installed, notes };
  }
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    notes.push(`not root, cannot apt-get install ${pkgs.join(', ')}: peers needing them are skipped`);
    return { paths, installed, notes };
  }
  ctx.log(`installing from apt: ${pkgs.join(' ')} (apt-get update first)`);
  // Containers usually forbid service start-up (policy-rc.d); either way the harness runs its
  // own nginx/haproxy with private configs on private ports.
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const upd = await runBounded(ctx.tracker, 'apt-get update', 'apt-get', ['update', '-qq'], { timeoutMs: 180_000, env });
  if (upd.code !== 0) notes.push(`apt-get update failed (${upd.timedOut ? 'timed out' : `exit ${upd.code}`}): ${lastLine(upd.stderr)}`);
  const inst = await runBounded(ctx.tracker, 'apt-get install', 'apt-get',
    ['install', '-y', '-qq', '--no-install-recommends', ...pkgs], { timeoutMs: 600_000, env });
  if (inst.code !== 0) notes.push(`apt-get install ${pkgs.join(' ')} failed (${inst.timedOut ? 'timed out' : `exit ${inst.code}`}): ${lastLine(inst.stderr)}`);
  paths = findAll();
  for (const t of missing) {
    if (paths[t]) installed.push(APT_PACKAGES[t]);
    else notes.push(`${t} still missing after apt-get: peers needing it are skipped`);
  }
  return { paths, installed: [...new Set(installed)], notes };
}

function lastLine(text) {
  return text.trim().split('\n').slice(-1)[0] ?? '';
}
