/**
 * Test helpers for the multi-worker tests: starts a supervised sluice (the launcher in
 * ./launch-supervisor.ts, which does what `sluice run` does for `workers` > 1), reads its logs,
 * and talks to its listener and admin server over fresh connections.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const LAUNCHER = fileURLToPath(new URL('./launch-supervisor.js', import.meta.url));

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** GET over a new connection (so round-robin scheduling spreads requests over workers). */
export function get(port: number, path: string, timeoutMs = 10_000): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false, headers: { connection: 'close' }, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${path} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

/** A slot as GET /workers reports it. */
export interface WorkerInfo {
  worker: number;
  pid: number | null;
  state: string;
  restarts: number;
  last_exit: { reason: string } | null;
  summary: { downstream_requests: number } | null;
}

/** A running supervisor process with its stderr (JSON log lines) collected. */
export class Supervised {
  readonly child: ChildProcess;
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;

  constructor(configFile: string, env: Record<string, string> = {}) {
    this.child = spawn(process.execPath, [LAUNCHER, configFile], {
      cwd: REPO_ROOT,
      env: { ...process.env, SLUICE_LOG_LEVEL: 'info', SLUICE_PROCESS_LAUNCH: '1', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.child.stderr!.setEncoding('utf8').on('data', (s: string) => (this.stderr += s));
    this.exited = once(this.child, 'close').then(([code, signal]) => ({
      code: code as number | null,
      signal: signal as NodeJS.Signals | null,
      stderr: this.stderr,
    }));
  }

  logLines(): Record<string, unknown>[] {
    const out: Record<string, unknown>[] = [];
    for (const line of this.stderr.split('\n')) {
      if (!line.startsWith('{')) continue;
      try {
        out.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // a line still arriving
      }
    }
    return out;
  }

  /** Polls `pick` (async allowed) until it returns a value; rejects on exit or after timeoutMs. */
  async waitFor<T>(pick: () => T | undefined | Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = await pick();
      if (v !== undefined) return v;
      if (this.child.exitCode !== null || this.child.signalCode !== null) throw new Error(`supervisor exited first\n${this.stderr}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting\n${this.stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** The listener and admin ports, once the supervisor logged them. */
  ready(): Promise<{ listener: number; admin: number }> {
    const port = (a: unknown): number => Number(String(a).slice(String(a).lastIndexOf(':') + 1));
    return this.waitFor(() => {
      const lines = this.logLines();
      const l = lines.find((x) => x.msg === 'listener ready');
      const a = lines.find((x) => x.msg === 'admin ready');
      return l && a ? { listener: port(l.address), admin: port(a.address) } : undefined;
    });
  }

  /** GET /workers on the admin port. */
  async workers(admin: number): Promise<WorkerInfo[]> {
    return JSON.parse((await get(admin, '/workers')).body) as WorkerInfo[];
  }

  /**
   * SIGKILLs the supervisor if it still runs, and every worker it forked that is still alive:
   * workers exit by themselves when their IPC channel closes, but not one whose event loop a
   * test blocked. A pid counts as our worker only while its command line names worker-main.js.
   */
  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    for (const l of this.logLines()) {
      if (l.msg !== 'worker forked' || typeof l.pid !== 'number') continue;
      let cmdline = '';
      try {
        cmdline = readFileSync(`/proc/${l.pid}/cmdline`, 'utf8');
      } catch {
        continue; // gone already
      }
      if (cmdline.includes('worker-main.js')) process.kill(l.pid, 'SIGKILL');
    }
  }
}

/** Writes `yaml` to a temp file, starts a supervisor on it, and cleans both up after the test. */
export async function startSupervised(t: TestContext, yaml: string, env: Record<string, string> = {}): Promise<Supervised> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-process-'));
  const file = join(dir, 'sluice.yaml');
  await writeFile(file, yaml);
  const s = new Supervised(file, env);
  t.after(async () => {
    s.kill();
    await s.exited;
    await rm(dir, { recursive: true, force: true });
  });
  return s;
}

/** A two-worker config: `public` on an ephemeral port routing everything to `upstreamPort`. */
export function twoWorkerConfig(upstreamPort: number, listenerAddress = '127.0.0.1:0'): string {
  return `workers: 2
admin:
  address: 127.0.0.1:0
listeners:
  - name: public
    address: ${listenerAddress}
    route_config: main
    drain_timeout: 10s
route_configs:
  - name: main
    virtual_hosts:
      - name: all
        domains: ["*"]
        routes:
          - match: { prefix: "/" }
            route: { cluster: backend, timeout: 30s }
clusters:
  - name: backend
    endpoints: [{ address: 127.0.0.1:${upstreamPort} }]
`;
}
