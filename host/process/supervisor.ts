/**
 * The primary process of `workers: N` (N > 1): forks N workers (node:cluster) that share the
 * listeners, keeps each slot filled (restart with backoff on death or missed heartbeats, see
 * ./worker-slot.ts), runs the admin server over all of them (./supervisor-admin.ts), and on
 * SIGTERM / SIGINT drains every worker and exits.
 *
 * `workers: 1` never comes here: the gateway runs in the CLI's own process, as it always has.
 */
import cluster, { type Worker } from 'node:cluster';
import { fileURLToPath } from 'node:url';
import { Gauge, Registry } from 'prom-client';
import type { AdminServer } from '../admin/contract.js';
import { startAdminServer } from '../admin/server.js';
import type { LoadedConfig } from '../config/load.js';
import { bindError } from '../gateway/config-errors.js';
import type { Logger } from '../observability/contract.js';
import type { BoundListener } from './messages.js';
import { probeListenerAddresses } from './probe-addresses.js';
import { watchConfigFile } from '../reload/config-watch.js';
import { supervisorAdminRoutes, supervisorView } from './supervisor-admin.js';
import { SupervisorReloader } from './supervisor-reload.js';
import { drainTimeoutMs, workerLoadedConfig } from './worker-config.js';
import { WorkerSlot, type SlotTimings } from './worker-slot.js';

/** Extra time past the drain timeout before workers still running are SIGKILLed. */
const HARD_STOP_GRACE_MS = 5000;

export interface SupervisorOptions extends SlotTimings {
  /** The file the config came from (logged, and given to workers as SLUICE_CONFIG_FILE). */
  configFile: string | undefined;
  /** The validated config; workers run a copy of it without `admin`. */
  loaded: LoadedConfig;
  log: Logger;
  /** Worker processes to fork (≥ 1). With `workers: 1` the CLI should not call this at all:
   *  one worker runs in the CLI's own process, with no fork, exactly as before. */
  workers: number;
  /**
   * Turns a failure to start (a worker's Gateway.start rejected, or the admin address could not
   * be bound) into the exit code, printing what went wrong. The error keeps `code`, `address`
   * and `port` of a bind failure. Default: logs it and returns 1.
   */
  reportStartFailure?: (err: unknown) => number;
  /** Called once every worker serves: the listeners as bound, and the admin address if any. */
  onReady?: (listeners: readonly BoundListener[], admin: { address: string; port: number } | undefined) => void;
  /**
   * How connections are spread: 'rr' (the primary accepts and hands each connection to the next
   * worker; Node's default on Linux) or 'none' (every worker accepts on the shared socket and the
   * kernel picks). Default: NODE_CLUSTER_SCHED_POLICY if set, else 'rr'.
   */
  scheduling?: 'rr' | 'none';
}

function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** The supervisor's own metrics, read from the slots when scraped. */
function supervisorRegistry(slots: readonly WorkerSlot[]): Registry {
  const registry = new Registry();
  new Gauge({
    name: 'sluice_worker_restarts',
    help: 'Times each worker slot was restarted after its process died or stopped answering',
    labelNames: ['worker'],
    registers: [registry],
    collect() {
      for (const s of slots) this.set({ worker: String(s.id) }, s.restarts);
    },
  });
  new Gauge({
    name: 'sluice_workers_serving',
    help: 'Worker slots with a process that is serving',
    registers: [registry],
    collect() {
      this.set(slots.filter((s) => s.state === 'ready').length);
    },
  });
  return registry;
}

/**
 * Runs the supervisor until SIGTERM / SIGINT; resolves with the process exit code: 0 when every
 * worker drained and exited 0, 1 when one had to be killed, reportStartFailure's code when the
 * workers or the admin server could not start, 130 / 143 on a second signal (immediate exit).
 */
export async function runSupervisor(opts: SupervisorOptions): Promise<number> {
  const log = opts.log.child({ role: 'supervisor' });
  const reportStartFailure =
    opts.reportStartFailure ??
    ((err: unknown) => {
      log.error('failed to start', { error: String((err as Error)?.stack ?? err) });
      return 1;
    });
  const drainMs = drainTimeoutMs(opts.loaded.config);
  const taken = await probeListenerAddresses(opts.loaded.config);
  if (taken !== undefined) return reportStartFailure(taken);
  const workerConfig = workerLoadedConfig(opts.loaded);

  // Scheduling is frozen by the first setupPrimary/fork, so it is set right before it.
  const policy = opts.scheduling ?? (process.env.NODE_CLUSTER_SCHED_POLICY === 'none' ? 'none' : 'rr');
  cluster.schedulingPolicy = policy === 'none' ? cluster.SCHED_NONE : cluster.SCHED_RR;
  cluster.setupPrimary({ exec: fileURLToPath(new URL('./worker-main.js', import.meta.url)), args: [], silent: false });
  const env: Record<string, string> = opts.configFile !== undefined ? { SLUICE_CONFIG_FILE: opts.configFile } : {};
  const fork = (extra: Record<string, string>): Worker => cluster.fork({ ...env, ...extra });

  let firstListeners: BoundListener[] | undefined;
  const started = new Set<number>();
  let settleStart!: (err: Error | undefined) => void;
  const firstStart = new Promise<Error | undefined>((r) => (settleStart = r));
  const slots: WorkerSlot[] = [];
  for (let id = 1; id <= opts.workers; id++) {
    slots.push(
      new WorkerSlot({
        heartbeatIntervalMs: opts.heartbeatIntervalMs,
        maxMissedHeartbeats: opts.maxMissedHeartbeats,
        maxMissedHeartbeatsStarting: opts.maxMissedHeartbeatsStarting,
        helloTimeoutMs: opts.helloTimeoutMs,
        queryTimeoutMs: opts.queryTimeoutMs,
        backoff: opts.backoff,
        id,
        fork,
        config: workerConfig,
        log,
        replay: () => reloader.journal.replay(),
        callbacks: {
          started(slot, listeners) {
            firstListeners ??= listeners;
            started.add(slot.id);
            if (started.size === slots.length) settleStart(undefined);
          },
          failedFirstStart(_slot, err) {
            settleStart(err);
          },
        },
      }),
    );
  }
  const registry = supervisorRegistry(slots);
  const reloader = new SupervisorReloader(slots, opts.loaded, log, registry);

  // The admin address is bound first: if it is taken, fail before forking anything.
  let admin: AdminServer | undefined;
  if (opts.loaded.config.admin) {
    try {
      admin = await startAdminServer({
        address: opts.loaded.config.admin.address,
        registry,
        view: supervisorView(slots, opts.loaded),
        log,
        routes: [...supervisorAdminRoutes(slots, registry, () => reloader), ...reloader.routes()],
      });
    } catch (err) {
      return reportStartFailure(bindError('admin.address', opts.loaded.config.admin.address, err));
    }
  }

  const stopAll = async (): Promise<boolean> => {
    const hard = setTimeout(() => {
      for (const s of slots) s.killNow(`still running ${drainMs + HARD_STOP_GRACE_MS} ms after the stop`);
    }, drainMs + HARD_STOP_GRACE_MS);
    unwatchConfig?.();
    reloader.close();
    await Promise.all(slots.map((s) => s.stop(drainMs)));
    clearTimeout(hard);
    await admin?.close();
    return slots.every((s) => s.stoppedCleanly);
  };

  // Hot reload lives here, not in the workers: the file and modules are watched once, SIGHUP is ours.
  let unwatchConfig: (() => void) | undefined;
  // Signals are handled from before the first fork: a stop during startup drains what started.
  let stopping = false;
  let onStopped!: (code: number) => void;
  const stopped = new Promise<number>((r) => (onStopped = r));
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      log.warn('second signal: killing workers without waiting for in-flight requests', { signal });
      for (const s of slots) s.killNow(`second ${signal}`);
      onStopped(signal === 'SIGINT' ? 130 : 143);
      return;
    }
    stopping = true;
    settleStart(undefined);
    log.info('shutting down: draining in-flight requests in every worker (send the signal again to exit now)', { signal });
    stopAll().then(
      (clean) => {
        log.info(clean ? 'stopped' : 'stopped; some workers had to be killed');
        onStopped(clean ? 0 : 1);
      },
      (err: unknown) => {
        log.error('error while stopping', { error: String(err) });
        onStopped(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  try {
    log.info('starting workers', { workers: opts.workers, scheduling: policy, config: opts.configFile });
    for (const s of slots) s.start();
    const startError = await firstStart;
    if (startError) {
      stopping = true;
      for (const s of slots) s.killNow('another worker failed to start');
      await stopAll();
      return reportStartFailure(startError);
    }
    if (!stopping) {
      for (const l of firstListeners ?? []) {
        log.info('listener ready', { listener: l.name, address: hostPort(l.host, l.port), workers: opts.workers });
      }
      if (admin) log.info('admin ready', { address: hostPort(admin.address, admin.port) });
      opts.onReady?.(firstListeners ?? [], admin);
      const file = opts.configFile;
      if (file !== undefined) {
        unwatchConfig = watchConfigFile({
          file, log,
          reload: () => reloader.reloadFile(file).then((r) => {
            if (r.status !== 200) throw new Error(`reload answered ${r.status}`);
          }),
        });
      }
      reloader.syncModuleWatch();
    }
    return await stopped;
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  }
}
