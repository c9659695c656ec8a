// Tracks every process the harness starts and stops each one by its pid (its process group,
// which the harness created), on normal exit, on error and on SIGINT/SIGTERM/SIGHUP.
// Nothing else is ever signalled: no names, no broad kills.
import { spawn } from 'node:child_process';

/** Grace period between SIGTERM and SIGKILL when stopping a child. */
const STOP_GRACE_MS = 2000;

/**
 * Owns the children of one harness run. Create one per run and pass it to everything that
 * spawns; call `install()` once so signals and crashes still clean up.
 */
export class ProcessTracker {
  constructor({ log = () => {} } = {}) {
    /** @type {Map<number, {name: string, child: import('node:child_process').ChildProcess, exited: boolean}>} */
    this.children = new Map();
    this.log = log;
    this.installed = false;
    /** Set once the harness is stopping: no new process may start after that. */
    this.closed = false;
  }

  /**
   * Spawns `cmd args` in its own process group (so a server's own children, e.g. nginx workers
   * or node:cluster workers, are reached through the group) and records it.
   * Returns the ChildProcess plus an `exited` promise resolving to {code, signal}.
   */
  spawn(name, cmd, args, opts = {}) {
    if (this.closed) throw new Error(`not starting ${name}: the harness is stopping`);
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts, detached: true });
    const entry = { name, child, exited: false };
    const exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        entry.exited = true;
        resolve({ code, signal });
      });
      // A spawn error (ENOENT) emits 'error' and maybe no 'exit'.
      child.once('error', (err) => {
        entry.exited = true;
        resolve({ code: -1, signal: null, error: err });
      });
    });
    if (child.pid) this.children.set(child.pid, entry);
    return Object.assign(child, { exited });
  }

  /** Stops one tracked child: SIGTERM to its group, then SIGKILL after a grace period. */
  async stop(pid) {
    const entry = this.children.get(pid);
    if (!entry) return;
    if (!entry.exited) {
      signalGroup(pid, 'SIGTERM');
      const done = await Promise.race([
        entry.child.exited.then(() => true),
        new Promise((r) => setTimeout(() => r(false), STOP_GRACE_MS).unref()),
      ]);
      if (!done) {
        this.log(`${entry.name} (pid ${pid}) ignored SIGTERM; sending SIGKILL`);
        signalGroup(pid, 'SIGKILL');
        await Promise.race([entry.child.exited, new Promise((r) => setTimeout(r, 1000).unref())]);
      }
    }
    // Members of the group may outlive the leader (a worker whose primary died): kill the rest.
    signalGroup(pid, 'SIGKILL');
    this.children.delete(pid);
  }

  /** Stops every child still tracked, in parallel. */
  async stopAll() {
    await Promise.all([...this.children.keys()].map((pid) => this.stop(pid)));
  }

  /** Synchronous last resort for process 'exit': SIGKILL every tracked group. */
  killAllSync() {
    for (const pid of this.children.keys()) signalGroup(pid, 'SIGKILL');
    this.children.clear();
  }

  /**
   * Hooks signals, uncaught errors and process exit so no child outlives the harness.
   * Every child is stopped first, then `onAbort(reason)` runs (e.g. to write a partial report).
   */
  install(onAbort = async () => {}) {
    if (this.installed) return;
    this.installed = true;
    let aborting = false;
    const abort = async (reason, exitCode) => {
      if (aborting) return;
      aborting = true;
      this.closed = true;
      this.log(`aborting: ${reason}`);
      await this.stopAll();
      try { await onAbort(reason); } catch (err) { this.log(`abort hook failed: ${err?.message}`); }
      process.exit(exitCode);
    };
    process.on('SIGINT', () => abort('SIGINT', 130));
    process.on('SIGTERM', () => abort('SIGTERM', 143));
    process.on('SIGHUP', () => abort('SIGHUP', 129));
    process.on('uncaughtException', (err) => abort(`uncaught exception: ${err?.stack ?? err}`, 1));
    process.on('unhandledRejection', (err) => abort(`unhandled rejection: ${err?.stack ?? err}`, 1));
    process.on('exit', () => this.killAllSync());
  }
}

function signalGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch {
    // Group already gone: nothing to stop.
  }
}
