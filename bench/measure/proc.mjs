// Reads CPU time and memory of a process tree from /proc (Linux). A proxy is measured as its
// whole tree: nginx master + worker, Sluice primary + workers.
import { readFileSync, readdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

/** Clock ticks per second for /proc/<pid>/stat times (usually 100). */
export function clockTicks() {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
}

/** Parses /proc/<pid>/stat; the comm field may hold spaces and parens, so split after the last ')'. */
function readStat(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // rest[0] is field 3 (state): ppid is field 4, utime 14, stime 15.
    return { ppid: Number(rest[1]), utime: Number(rest[11]), stime: Number(rest[12]) };
  } catch {
    return null;
  }
}

/** The pid and all its descendants that are alive now. */
export function processTree(rootPid) {
  const children = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const st = readStat(name);
    if (!st) continue;
    const list = children.get(st.ppid) ?? [];
    list.push(Number(name));
    children.set(st.ppid, list);
  }
  if (!readStat(rootPid)) return [];
  const out = [rootPid];
  for (let i = 0; i < out.length; i++) out.push(...(children.get(out[i]) ?? []));
  return out;
}

/** user + system CPU seconds consumed so far by the given processes. */
export function cpuSeconds(pids, ticks) {
  let total = 0;
  for (const pid of pids) {
    const st = readStat(pid);
    if (st) total += st.utime + st.stime;
  }
  return total / ticks;
}

/** Resident set size in bytes, summed over the given processes (VmRSS). */
export function rssBytes(pids) {
  let total = 0;
  for (const pid of pids) {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) total += Number(m[1]) * 1024;
    } catch {
      // exited between listing and reading
    }
  }
  return total;
}

/** True when /proc is there to read (Linux); elsewhere CPU and RSS columns stay empty. */
export function procAvailable() {
  try {
    readFileSync('/proc/self/stat');
    return true;
  } catch {
    return false;
  }
}
