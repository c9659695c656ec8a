/**
 * Runs the real `sluice` command (bin/sluice.js → dist/host/cli/main.js) as a child process,
 * for the CLI and demo tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

/** Repository root (this file runs from dist/test/cli/). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = fileURLToPath(new URL('../../../bin/sluice.js', import.meta.url));

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A running sluice process with its output collected as it arrives. */
export class SluiceProcess {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  readonly exited: Promise<Finished>;

  constructor(args: string[], env: Record<string, string> = {}) {
    this.child = spawn(process.execPath, [BIN, ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, SLUICE_LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.setEncoding('utf8').on('data', (s: string) => (this.stdout += s));
    this.child.stderr!.setEncoding('utf8').on('data', (s: string) => (this.stderr += s));
    this.exited = once(this.child, 'close').then(([code, signal]) => ({
      code: code as number | null,
      signal: signal as NodeJS.Signals | null,
      stdout: this.stdout,
      stderr: this.stderr,
    }));
  }

  /** The parsed JSON log lines (stderr) so far. */
  logLines(): Record<string, unknown>[] {
    const out: Record<string, unknown>[] = [];
    for (const line of this.stderr.split('\n')) {
      if (!line.startsWith('{')) continue;
      try {
        out.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // a partial line still arriving
      }
    }
    return out;
  }

  /**
   * Resolves with `pick`'s first non-undefined result over the output, re-checked as output
   * arrives; rejects when the process exits first or after `timeoutMs` (a hung start).
   */
  async waitFor<T>(pick: (p: SluiceProcess) => T | undefined, timeoutMs = 20_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = pick(this);
      if (v !== undefined) return v;
      if (this.child.exitCode !== null || this.child.signalCode !== null) {
        throw new Error(`sluice exited (${this.child.exitCode ?? this.child.signalCode}) first\nstdout:\n${this.stdout}\nstderr:\n${this.stderr}`);
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting\nstdout:\n${this.stdout}\nstderr:\n${this.stderr}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** Waits for "listener ready" / "admin ready" log lines and returns the bound ports. */
  async ready(listeners = 1): Promise<{ listeners: Record<string, number>; admin: number | undefined }> {
    return this.waitFor((p) => {
      const lines = p.logLines();
      const ls = lines.filter((l) => l.msg === 'listener ready');
      const admin = lines.find((l) => l.msg === 'admin ready');
      if (ls.length < listeners || !admin) return undefined;
      const port = (a: unknown): number => Number(String(a).slice(String(a).lastIndexOf(':') + 1));
      return {
        listeners: Object.fromEntries(ls.map((l) => [String(l.listener), port(l.address)])),
        admin: port(admin.address),
      };
    });
  }

  /** Kills the process if it is still running (test cleanup). */
  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}

/** Runs sluice to completion. */
export function runSluice(args: string[], env: Record<string, string> = {}): Promise<Finished> {
  return new SluiceProcess(args, env).exited;
}
