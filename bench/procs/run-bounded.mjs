// Runs a command to completion under a hard time bound, collecting its output. Used for load
// generators and installs: anything that must end on its own, or be ended.

/**
 * Runs `cmd args` through the tracker and resolves when it exits or when `timeoutMs` passes
 * (then it is stopped and `timedOut` is true). Never rejects: a failure to start comes back
 * as code -1 with the error text in `stderr`.
 * @returns {Promise<{code: number|null, signal: string|null, stdout: string, stderr: string, timedOut: boolean}>}
 */
export async function runBounded(tracker, name, cmd, args, { timeoutMs, env, maxOutput = 64 * 1024 * 1024 } = {}) {
  const child = tracker.spawn(name, cmd, args, env ? { env } : {});
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (d) => { if (stdout.length < maxOutput) stdout += d; });
  child.stderr?.setEncoding('utf8').on('data', (d) => { if (stderr.length < maxOutput) stderr += d; });
  let timer;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const outcome = await Promise.race([child.exited, timeout]);
  clearTimeout(timer);
  if (outcome === 'timeout') {
    await tracker.stop(child.pid);
    return { code: null, signal: 'SIGTERM', stdout, stderr, timedOut: true };
  }
  tracker.children.delete(child.pid);
  if (outcome.error) return { code: -1, signal: null, stdout, stderr: String(outcome.error.message), timedOut: false };
  // Let the pipes drain: 'exit' can fire before the last 'data'.
  await new Promise((r) => setImmediate(r));
  return { code: outcome.code, signal: outcome.signal, stdout, stderr, timedOut: false };
}
