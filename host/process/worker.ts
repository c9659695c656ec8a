/**
 * The worker side of `workers: N`: one forked process that runs a whole gateway on the listeners
 * it shares with its siblings (node:cluster hands the bound sockets over), answers the
 * supervisor's heartbeats and queries, and drains when told to stop.
 *
 * Order of events: install the IPC handler → say hello → receive the config → Gateway.start →
 * report `started` with the bound listeners (or `start_failed`, then exit 1) → serve until a
 * `stop` message (or SIGTERM) → gateway.stop({ drainTimeoutMs }) → exit 0.
 */
import { Registry } from 'prom-client';
import type { AdminView } from '../admin/contract.js';
import type { LoadedConfig } from '../config/load.js';
import type { Logger } from '../observability/contract.js';
import {
  isToWorker, toWireError, type BoundListener, type ChangeOutcome, type FromWorker, type ToWorker, type WorkerChange, type WorkerQuery,
} from './messages.js';
import { installTestHooks } from './test-hooks.js';
import { loadedConfigFromWire } from './worker-config.js';

/** What a worker needs of a running gateway (host/gateway.ts's Gateway satisfies it). */
export interface WorkerGateway {
  listeners(): readonly BoundListener[];
  stop(opts?: { drainTimeoutMs?: number }): Promise<void>;
}

/** Gateway.start, passed in so this module does not pick the implementation. */
export type StartGateway = (loaded: LoadedConfig, deps: { log: Logger; registry?: Registry }) => Promise<WorkerGateway>;

/** The IPC channel to the primary; `process` in a real worker. */
export interface WorkerChannel {
  send(m: FromWorker, cb?: (err: Error | null) => void): boolean;
  on(event: 'message', listener: (m: unknown) => void): unknown;
}

export interface WorkerOptions {
  startGateway: StartGateway;
  /** The running gateway's admin view (config_dump, clusters, filters, ready), if it has one. */
  viewOf?: (gateway: WorkerGateway) => AdminView | undefined;
  log: Logger;
  /** Default: `process` (a cluster worker always has an IPC channel). */
  channel?: WorkerChannel;
  /** Default: process.env (for SLUICE_TEST_HOOKS). */
  env?: NodeJS.ProcessEnv;
  /** Applies a hot change from the primary (config reload, filter module change). */
  applyChange?: (gateway: WorkerGateway, change: WorkerChange) => Promise<ChangeOutcome>;
}

const EXIT_OK = 0;
const EXIT_FAILURE = 1;

/** Sum of a prom-client counter's values, or 0 when the metric is not registered. */
async function counterTotal(registry: Registry, name: string): Promise<number> {
  const metric = registry.getSingleMetric(name);
  if (!metric) return 0;
  const data = await metric.get();
  return data.values.reduce((sum, v) => sum + v.value, 0);
}

/**
 * Runs this process as a worker until it is told to stop; resolves with the exit code (the
 * caller exits with it). Never rejects: a failure to start is reported to the primary and
 * resolves 1.
 */
export function runWorker(opts: WorkerOptions): Promise<number> {
  const channel: WorkerChannel = opts.channel ?? (process as unknown as WorkerChannel);
  const log = opts.log;
  const registry = new Registry();
  const startedAt = Date.now();
  let gateway: WorkerGateway | undefined;
  let configured = false;
  let view: AdminView | undefined;
  let stopping = false;

  installTestHooks(opts.env ?? process.env, log);

  return new Promise<number>((resolve) => {
    const send = (m: FromWorker): Promise<void> =>
      new Promise((done) => {
        try {
          if (!channel.send(m, () => done())) done();
        } catch {
          done(); // the primary is gone; cluster exits this process on disconnect anyway
        }
      });

    const answer = async (query: WorkerQuery): Promise<unknown> => {
      switch (query) {
        case 'metrics':
          return registry.getMetricsAsJSON();
        case 'ready':
          return gateway !== undefined && !stopping && (view ? view.ready() : true);
        case 'summary':
          return {
            pid: process.pid,
            uptime_s: Math.round((Date.now() - startedAt) / 1000),
            started: gateway !== undefined,
            draining: stopping,
            downstream_requests: await counterTotal(registry, 'sluice_downstream_requests_total'),
          };
        case 'config_dump':
        case 'clusters':
        case 'filters': {
          if (!view) throw new Error('this worker\'s gateway exposes no admin view');
          if (query === 'config_dump') return view.configDump();
          return query === 'clusters' ? view.clusters() : view.filters();
        }
      }
    };

    const stop = (drainTimeoutMs: number | undefined, why: string): void => {
      if (stopping) return;
      stopping = true;
      log.info('worker stopping: draining in-flight requests', { why, drain_timeout_ms: drainTimeoutMs });
      const g = gateway;
      if (!g) {
        resolve(EXIT_OK);
        return;
      }
      g.stop(drainTimeoutMs === undefined ? undefined : { drainTimeoutMs }).then(
        () => resolve(EXIT_OK),
        (err: unknown) => {
          log.error('worker: error while stopping', { error: String(err) });
          resolve(EXIT_FAILURE);
        },
      );
    };

    const start = async (loaded: LoadedConfig, changes: readonly WorkerChange[]): Promise<void> => {
      try {
        const g = await opts.startGateway(loaded, { log, registry });
        gateway = g;
        view = opts.viewOf?.(g);
        await replay(g, changes);
        // A stop that arrived while starting already resolved (the process exits): say nothing.
        if (stopping) return;
        const listeners = g.listeners().map((l) => ({ name: l.name, host: l.host, port: l.port }));
        await send({ sluice: 'started', listeners });
      } catch (err) {
        log.error('worker failed to start', { error: String(err) });
        await send({ sluice: 'start_failed', error: toWireError(err) });
        resolve(EXIT_FAILURE);
      }
    };

    /** Catches up with the siblings' module changes; one that fails leaves the file's module serving. */
    const replay = async (g: WorkerGateway, changes: readonly WorkerChange[]): Promise<void> => {
      for (const c of changes) {
        const outcome: ChangeOutcome = opts.applyChange
          ? await opts.applyChange(g, c)
          : { ok: false, error: 'this worker cannot apply changes' };
        if (!outcome.ok) log.warn('worker: replaying a filter change failed', { change: c.kind, error: outcome.error });
      }
    };

    const onMessage = (raw: unknown): void => {
      if (!isToWorker(raw)) return;
      const m: ToWorker = raw;
      switch (m.sluice) {
        case 'ping':
          void send({ sluice: 'pong', seq: m.seq });
          return;
        case 'config': {
          const loaded = loadedConfigFromWire(m.loaded);
          if (!loaded) {
            void send({ sluice: 'start_failed', error: { message: 'malformed config message from the supervisor' } })
              .then(() => resolve(EXIT_FAILURE));
            return;
          }
          // One config per process: a duplicate must not start a second gateway.
          if (!configured) {
            configured = true;
            void start(loaded, Array.isArray(m.changes) ? m.changes : []);
          }
          return;
        }
        case 'query':
          answer(m.query).then(
            (value) => send({ sluice: 'answer', id: m.id, ok: true, value }),
            (err: unknown) => send({ sluice: 'answer', id: m.id, ok: false, error: String((err as Error)?.message ?? err) }),
          );
          return;
        case 'stop':
          stop(m.drainTimeoutMs, 'supervisor');
          return;
        case 'change': {
          const g = gateway;
          const outcome: Promise<ChangeOutcome> = g === undefined || stopping || opts.applyChange === undefined
            ? Promise.resolve({ ok: false, status: 503, error: 'this worker is not serving' })
            : opts.applyChange(g, m.change);
          void outcome.then((value) => send({ sluice: 'answer', id: m.id, ok: true, value }));
          return;
        }
      }
    };

    channel.on('message', onMessage);
    // Ctrl-C reaches the whole process group: the primary coordinates the stop, so a worker
    // ignores SIGINT. SIGTERM sent to a worker's pid alone is a request to stop that worker
    // (the supervisor then replaces it).
    process.on('SIGINT', () => {});
    process.on('SIGTERM', () => stop(undefined, 'SIGTERM'));
    void send({ sluice: 'hello' });
  });
}
