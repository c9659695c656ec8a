/**
 * One worker slot in the supervisor: "worker 2" is a slot, its process is replaced when it dies
 * or stops answering heartbeats, and the slot keeps its number, restart count and backoff across
 * those processes.
 *
 * Lifecycle of one process in the slot: forked → `hello` (handlers installed) → config sent,
 * heartbeats start → `started` (serving) → … → exit. An exit while the slot is not stopping
 * schedules a replacement after the backoff delay; an exit before the slot's first process ever
 * started is a start failure, which the supervisor turns into a failed `sluice run`.
 */
import type { Worker } from 'node:cluster';
import type { Logger } from '../observability/contract.js';
import { RestartBackoff, type BackoffOptions } from './backoff.js';
import { HeartbeatMonitor } from './heartbeat.js';
import { fromWireError, isFromWorker, type BoundListener, type ToWorker, type WorkerChange } from './messages.js';
import { WorkerRpc } from './worker-rpc.js';

export type SlotState = 'starting' | 'ready' | 'backoff' | 'stopping' | 'stopped';

/** Timings of supervision; defaults are the production values, tests shorten nothing but backoff. */
export interface SlotTimings {
  /** Heartbeat ping interval. Default 1 s. */
  heartbeatIntervalMs?: number;
  /** Consecutive missed pings before the process is SIGKILLed. Default 5. */
  maxMissedHeartbeats?: number;
  /** Time from fork to the worker's hello before it is SIGKILLed. Default 30 s. */
  helloTimeoutMs?: number;
  /**
   * Consecutive missed pings tolerated while a worker is starting (after hello, before it
   * serves): Gateway.start may do long synchronous work (compiling and instrumenting wasm
   * modules) that a normal serving loop never does. Default 30.
   */
  maxMissedHeartbeatsStarting?: number;
  /** Time an admin query to a worker may take. Default 2 s. */
  queryTimeoutMs?: number;
  backoff?: BackoffOptions;
}

export interface SlotCallbacks {
  /** A process in the slot is serving; `listeners` as it bound them. */
  started(slot: WorkerSlot, listeners: BoundListener[]): void;
  /** The slot's first process died before it served (bad config for this machine, port taken…). */
  failedFirstStart(slot: WorkerSlot, err: Error): void;
}

export interface SlotOptions extends SlotTimings {
  /** 1-based slot number, also the worker's SLUICE_WORKER_ID. */
  id: number;
  /** Forks a process (cluster.fork) with extra environment. */
  fork(env: Record<string, string>): Worker;
  /** The worker config, already in its IPC form (./worker-config.ts). */
  config: unknown;
  log: Logger;
  callbacks: SlotCallbacks;
  /** Filter module changes a new process applies after its config (./filter-journal.ts). */
  replay?: () => WorkerChange[];
}

/** One supervised worker position; see the file comment for its lifecycle. */
export class WorkerSlot {
  readonly id: number;
  state: SlotState = 'starting';
  restarts = 0;
  /** RPC to the current process; replaced with each process. */
  rpc: WorkerRpc | undefined;
  private worker: Worker | undefined;
  private startedAt = 0;
  private everStarted = false;
  private lastError: Error | undefined;
  private lastExit: { code: number | null; signal: string | null; at: string; reason: string } | undefined;
  private heartbeat = new HeartbeatMonitor();
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private helloTimer: NodeJS.Timeout | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  private killedFor: string | undefined;
  /** Whether the current process said hello (before that, messages to it may be lost). */
  private greeted = false;
  /** False once a process exited non-zero (or by signal) while the slot was stopping. */
  private cleanStop = true;
  private drainTimeoutMs = 0;
  private readonly backoff: RestartBackoff;
  private readonly stopped: { promise: Promise<void>; resolve: () => void };
  private readonly log: Logger;

  /** The config a new process of this slot gets (the last one applied by a reload). */
  private config: unknown;

  constructor(private readonly opts: SlotOptions) {
    this.id = opts.id;
    this.config = opts.config;
    this.log = opts.log.child({ worker: opts.id });
    this.backoff = new RestartBackoff(opts.backoff);
    let resolve!: () => void;
    this.stopped = { promise: new Promise<void>((r) => (resolve = r)), resolve };
  }

  /** pid of the current process, if one is running. */
  get pid(): number | undefined {
    return this.worker?.process.pid;
  }

  /** Forks the slot's process (first start, or a restart after backoff). */
  start(): void {
    this.restartTimer = undefined;
    this.state = 'starting';
    this.killedFor = undefined;
    this.greeted = false;
    this.heartbeat = new HeartbeatMonitor({ maxMissed: this.opts.maxMissedHeartbeats });
    const worker = this.opts.fork({ SLUICE_WORKER_ID: String(this.id) });
    this.worker = worker;
    this.startedAt = Date.now();
    const rpc = new WorkerRpc((m) => this.send(worker, m), this.opts.queryTimeoutMs ?? 2000);
    this.rpc = rpc;
    this.helloTimer = setTimeout(() => this.kill(worker, 'no hello from the new worker'), this.opts.helloTimeoutMs ?? 30_000);
    worker.on('message', (m: unknown) => this.onMessage(worker, rpc, m));
    // 'error' fires when a send races the process's exit; the exit handler does the real work.
    worker.on('error', (err) => this.log.debug('worker IPC error', { error: String(err) }));
    worker.on('exit', (code: number | null, signal: string | null) => this.onExit(worker, rpc, code, signal));
    this.log.info('worker forked', { pid: worker.process.pid, restarts: this.restarts });
  }

  /**
   * Asks the current process to drain and exit; cancels a pending restart. Resolves once the
   * slot holds no process (the caller bounds the wait and may kill()).
   */
  stop(drainTimeoutMs: number): Promise<void> {
    const prev = this.state;
    this.state = 'stopping';
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.drainTimeoutMs = drainTimeoutMs;
    if (!this.worker || prev === 'backoff' || prev === 'stopped') this.markStopped();
    // Not greeted yet: the stop goes out with the hello answer instead of the config.
    else if (this.greeted) this.send(this.worker, { sluice: 'stop', drainTimeoutMs });
    return this.stopped.promise;
  }

  /** The config a restarted process runs from now on (after a reload, in its IPC form). */
  setConfig(config: unknown): void {
    this.config = config;
  }

  /** SIGKILLs the current process (hard stop, or a worker that stopped answering). */
  killNow(reason: string): void {
    if (this.worker) this.kill(this.worker, reason);
  }

  /** Whether the slot stopped with its process exiting 0 (for the supervisor's exit code). */
  get stoppedCleanly(): boolean {
    return this.state === 'stopped' && this.cleanStop;
  }

  /** State for GET /workers. */
  describe(): Record<string, unknown> {
    return {
      worker: this.id,
      pid: this.pid ?? null,
      state: this.state,
      restarts: this.restarts,
      up_s: this.worker ? Math.round((Date.now() - this.startedAt) / 1000) : 0,
      missed_heartbeats: this.heartbeat.missedCount,
      last_exit: this.lastExit ?? null,
    };
  }

  private send(worker: Worker, m: ToWorker): boolean {
    if (!worker.isConnected()) return false;
    try {
      return worker.send(m);
    } catch {
      return false; // closed between the check and the send
    }
  }

  private kill(worker: Worker, reason: string): void {
    if (worker.process.exitCode !== null || worker.process.signalCode !== null) return;
    this.killedFor = reason;
    this.log.error('killing worker', { pid: worker.process.pid, reason });
    worker.process.kill('SIGKILL');
  }

  private onMessage(worker: Worker, rpc: WorkerRpc, m: unknown): void {
    if (worker !== this.worker || !isFromWorker(m)) return;
    switch (m.sluice) {
      case 'hello':
        clearTimeout(this.helloTimer);
        this.greeted = true;
        if (this.state === 'stopping') this.send(worker, { sluice: 'stop', drainTimeoutMs: this.drainTimeoutMs });
        else this.send(worker, { sluice: 'config', loaded: this.config, changes: this.opts.replay?.() ?? [] });
        this.startHeartbeat(worker);
        return;
      case 'pong':
        this.heartbeat.pong(m.seq);
        return;
      case 'started':
        if (this.state === 'starting') this.state = 'ready';
        this.everStarted = true;
        this.log.info('worker ready', { pid: worker.process.pid });
        this.opts.callbacks.started(this, m.listeners);
        return;
      case 'start_failed':
        this.lastError = fromWireError(m.error);
        return;
      case 'answer':
        rpc.onAnswer(m);
        return;
    }
  }

  private startHeartbeat(worker: Worker): void {
    this.heartbeatTimer = setInterval(() => {
      const starting = this.state === 'starting';
      const v = this.heartbeat.tick(starting ? Math.max(this.opts.maxMissedHeartbeatsStarting ?? 30, this.opts.maxMissedHeartbeats ?? 5) : undefined);
      if (v.kind === 'ping') this.send(worker, { sluice: 'ping', seq: v.seq });
      else this.kill(worker, `missed ${v.missed} heartbeats (event loop blocked?)`);
    }, this.opts.heartbeatIntervalMs ?? 1000);
  }

  private onExit(worker: Worker, rpc: WorkerRpc, code: number | null, signal: string | null): void {
    if (worker !== this.worker) return;
    clearInterval(this.heartbeatTimer);
    clearTimeout(this.helloTimer);
    rpc.failAll('worker exited');
    this.worker = undefined;
    this.rpc = undefined;
    const upMs = Date.now() - this.startedAt;
    const reason = this.killedFor ?? (signal ? `killed by ${signal}` : `exited with code ${code}`);
    this.lastExit = { code, signal, at: new Date().toISOString(), reason };
    if (this.state === 'stopping') {
      this.cleanStop = code === 0;
      this.log.info('worker stopped', { pid: worker.process.pid, code, signal });
      this.markStopped();
      return;
    }
    if (!this.everStarted) {
      this.state = 'stopped';
      this.markStopped();
      this.opts.callbacks.failedFirstStart(this, this.lastError ?? new Error(`worker ${this.id} ${reason} before it started`));
      return;
    }
    const delay = this.backoff.delayAfter(upMs);
    this.state = 'backoff';
    this.restarts++;
    this.log.warn('worker died; restarting', { pid: worker.process.pid, reason, up_ms: upMs, restart_in_ms: delay });
    this.restartTimer = setTimeout(() => this.start(), delay);
  }

  private markStopped(): void {
    this.state = 'stopped';
    this.stopped.resolve();
  }
}
