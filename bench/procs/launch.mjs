// Starts a long-running server (upstream, peer or Sluice) pinned to a core, keeps the tail of
// its output for error reports, and waits until it answers. Shared by every peer file.
import { waitHttpOk } from './net.mjs';

const LOG_TAIL_CHARS = 4000;

/**
 * Prefixes a command with `taskset -c CPUS` when pinning is on (ctx.pinning) and a cpu list
 * is given; otherwise runs it as is.
 */
export function pinned(ctx, cpus, cmd, args) {
  if (!ctx.pinning || cpus == null) return { cmd, args };
  return { cmd: 'taskset', args: ['-c', String(cpus), cmd, ...args] };
}

/**
 * Spawns a server and waits until GET / on `port` answers 200 (through to the upstream for a
 * proxy). Resolves to a handle {name, pid, port, stop(), logTail()} or throws an Error whose
 * message says why (exit code and the server's last output).
 * @param {object} ctx harness context: tracker, pinning, timeouts
 * @param {{name: string, cmd: string, args: string[], port: number, cpus?: string|number, env?: object, cwd?: string, readyPath?: string, readyTimeoutMs?: number, ready?: Function}} spec
 */
export async function launchServer(ctx, spec) {
  const { cmd, args } = pinned(ctx, spec.cpus, spec.cmd, spec.args);
  const child = ctx.tracker.spawn(spec.name, cmd, args, {
    env: spec.env ?? process.env,
    cwd: spec.cwd ?? ctx.root,
  });
  let tail = '';
  const keep = (d) => { tail = (tail + d).slice(-LOG_TAIL_CHARS); };
  child.stdout?.setEncoding('utf8').on('data', keep);
  child.stderr?.setEncoding('utf8').on('data', keep);
  let alive = true;
  child.exited.then(() => { alive = false; });
  const handle = {
    name: spec.name,
    /** False once the process has exited (a crash under load shows up here). */
    alive: () => alive,
    pid: child.pid,
    port: spec.port,
    /** The cpus it is pinned to, or null. */
    cpus: ctx.pinning && spec.cpus != null ? String(spec.cpus) : null,
    logTail: () => tail,
    stop: () => ctx.tracker.stop(child.pid),
    exited: child.exited,
  };
  if (!child.pid) {
    const r = await child.exited;
    throw new Error(`${spec.name}: could not start ${spec.cmd}: ${r.error?.message ?? 'unknown error'}`);
  }
  const timeoutMs = spec.readyTimeoutMs ?? ctx.readyTimeoutMs;
  const ready = spec.ready
    ? await spec.ready(handle, { timeoutMs, gone: child.exited })
    : await waitHttpOk(spec.port, { timeoutMs, gone: child.exited, path: spec.readyPath ?? '/' });
  if (!ready.ready) {
    await handle.stop();
    const lastLines = tail.trim().split('\n').slice(-6).join(' | ');
    throw new Error(`${spec.name}: ${ready.reason}${lastLines ? `; output: ${lastLines}` : ''}`);
  }
  return handle;
}
