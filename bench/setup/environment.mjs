// Describes the machine and tool versions for the report header, so a reader knows what the
// numbers were measured on.
import os from 'node:os';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

function versionOf(path, args, pattern) {
  if (!path) return null;
  // Tools print their version to stdout or stderr, and some exit non-zero (wrk -v): read both.
  const r = spawnSync(path, args, { encoding: 'utf8', timeout: 5000 });
  const text = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  return (pattern.exec(text) ?? [null, text.trim().split('\n')[0] || null])[1];
}

/** The 1-minute load average: other work on the machine skews every figure. */
export function loadAverage() {
  try {
    return Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
  } catch {
    return null;
  }
}

/** Machine, kernel, Node and tool versions. */
export function describeEnvironment(tools) {
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    loadAvgAtStart: loadAverage(),
    versions: {
      nginx: versionOf(tools.nginx, ['-v'], /nginx\/([\d.]+)/),
      haproxy: versionOf(tools.haproxy, ['-v'], /version ([\d.]+\S*)/i),
      wrk: versionOf(tools.wrk, ['-v'], /wrk (?:debian\/)?([\d.]+)/),
      h2load: versionOf(tools.h2load, ['--version'], /nghttp2\/([\d.]+)/),
    },
  };
}
