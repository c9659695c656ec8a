/**
 * The admin endpoints when `workers` > 1. The admin server runs once, in the primary, and its
 * answers come from the workers over IPC:
 * - GET /ready: 200 only when every slot has a serving worker that says it is ready;
 * - GET /stats/prometheus: every worker's registry, aggregated (counters and histograms summed,
 *   prom-client's per-metric aggregator otherwise), plus the supervisor's own metrics;
 * - GET /config_dump, /clusters, /filters: answered by one worker (the lowest-numbered serving
 *   one, normally worker 1), named in the `x-sluice-worker` and `x-sluice-worker-pid` headers;
 * - GET /workers: each slot's pid, state, restarts and requests served.
 * They replace the built-in routes of the same path (startAdminServer's `routes`).
 */
import { AggregatorRegistry, type Registry } from 'prom-client';
import type { AdminResponse, AdminRoute, AdminView } from '../admin/contract.js';
import { jsonResponse, textResponse } from '../admin/endpoints.js';
import type { LoadedConfig } from '../config/load.js';
import type { WorkerQuery } from './messages.js';
import type { WorkerSlot } from './worker-slot.js';

/** Header naming the worker (slot number) that answered a single-worker endpoint. */
export const WORKER_HEADER = 'x-sluice-worker';

/** Asks every slot that has a serving process; a slot that fails or times out yields undefined. */
async function askAll(slots: readonly WorkerSlot[], query: WorkerQuery): Promise<(unknown | undefined)[]> {
  return Promise.all(
    slots.map(async (s) => {
      if (s.state !== 'ready' || !s.rpc) return undefined;
      try {
        return await s.rpc.query(query);
      } catch {
        return undefined;
      }
    }),
  );
}

/** What the primary knows of the config its workers run (SupervisorReloader satisfies it). */
export interface PrimaryConfig {
  readonly current: LoadedConfig;
  /** Where `current` came from: 'admin' (POST /config) lasts until the next file reload. */
  readonly source: 'file' | 'admin';
  /** The last config refused by the primary's validation: workers never saw it. */
  readonly lastError: { at: Date; errors: string[] } | undefined;
}

interface DumpVersion {
  last_error?: { at: string; errors: string[] } | null;
  [k: string]: unknown;
}

/**
 * Completes a worker's config dump with what only the primary knows: the `admin` block (workers
 * run a copy without it, but the dump shows the config the operator wrote, which is also what
 * its hash is of), the config's source, and a refusal newer than the worker's own last error.
 */
function withPrimary(state: () => PrimaryConfig): (dump: unknown) => unknown {
  return (dump) => {
    const s = state();
    const d = dump as { config?: unknown; version?: DumpVersion } | null;
    if (typeof d !== 'object' || d === null) return dump;
    const out: Record<string, unknown> = { ...d };
    if (typeof d.version === 'object' && d.version !== null) {
      const mine = s.lastError;
      const theirs = d.version.last_error;
      const newer = mine !== undefined && (theirs == null || Date.parse(theirs.at) < mine.at.getTime());
      out.version = {
        ...d.version, source: s.source,
        ...(newer ? { last_error: { at: mine.at.toISOString(), errors: mine.errors } } : {}),
      };
    }
    if (s.current.config.admin && typeof d.config === 'object' && d.config !== null) {
      out.config = { admin: s.current.config.admin, ...d.config };
    }
    return out;
  };
}

/** One worker's answer as JSON, saying which worker gave it; 503 when no worker can answer. */
async function fromOneWorker(slots: readonly WorkerSlot[], query: WorkerQuery, shape: (v: unknown) => unknown = (v) => v): Promise<AdminResponse> {
  const errors: string[] = [];
  for (const s of slots) {
    if (s.state !== 'ready' || !s.rpc) continue;
    const pid = s.pid;
    try {
      const value = shape(await s.rpc.query(query));
      return { ...jsonResponse(value), headers: { [WORKER_HEADER]: String(s.id), [`${WORKER_HEADER}-pid`]: String(pid) } };
    } catch (err) {
      errors.push(`worker ${s.id}: ${(err as Error).message}`);
    }
  }
  return textResponse(['no worker could answer', ...errors].join('\n'), 503);
}

/**
 * The primary's routes for `slots`; `registry` holds the supervisor's own metrics; `config` is
 * what the primary knows of the config the workers run now (it changes with reloads).
 */
export function supervisorAdminRoutes(slots: readonly WorkerSlot[], registry: Registry, config: () => PrimaryConfig): AdminRoute[] {
  const countHeader = (n: number): Record<string, string> => ({ 'x-sluice-workers-answered': `${n}/${slots.length}` });
  return [
    {
      method: 'GET',
      path: '/ready',
      help: '200 LIVE when every worker is serving and ready, else 503',
      handler: async () => {
        const answers = await askAll(slots, 'ready');
        const ready = answers.filter((a) => a === true).length;
        const r = ready === slots.length ? textResponse('LIVE', 200) : textResponse(`NOT READY (${ready}/${slots.length} workers ready)`, 503);
        return { ...r, headers: countHeader(ready) };
      },
    },
    {
      method: 'GET',
      path: '/stats/prometheus',
      help: 'metrics of all workers, aggregated (counters and histograms summed), in the Prometheus text format',
      handler: async () => {
        const answers = (await askAll(slots, 'metrics')).filter((a): a is object[] => Array.isArray(a));
        const aggregated = AggregatorRegistry.aggregate([...answers, await registry.getMetricsAsJSON()]);
        return { status: 200, contentType: aggregated.contentType, body: await aggregated.metrics(), headers: countHeader(answers.length) };
      },
    },
    {
      method: 'GET',
      path: '/config_dump',
      help: `the effective config with its version, from one worker (header ${WORKER_HEADER})`,
      handler: () => fromOneWorker(slots, 'config_dump', withPrimary(config)),
    },
    {
      method: 'GET',
      path: '/clusters',
      help: `clusters, their endpoints and endpoint state, from one worker (header ${WORKER_HEADER})`,
      handler: () => fromOneWorker(slots, 'clusters'),
    },
    {
      method: 'GET',
      path: '/filters',
      help: `wasm filters, from one worker (header ${WORKER_HEADER})`,
      handler: () => fromOneWorker(slots, 'filters'),
    },
    {
      method: 'GET',
      path: '/workers',
      help: 'worker processes: pid, state, restarts, requests served',
      handler: async () => {
        const summaries = await askAll(slots, 'summary');
        return jsonResponse(slots.map((s, i) => ({ ...s.describe(), summary: summaries[i] ?? null })));
      },
    },
  ];
}

/**
 * The AdminView handed to startAdminServer alongside the routes above. Those routes replace every
 * endpoint that reads the view, so this only answers from the supervisor's own knowledge.
 */
export function supervisorView(slots: readonly WorkerSlot[], loaded: LoadedConfig): AdminView {
  return {
    ready: () => slots.every((s) => s.state === 'ready'),
    configDump: () => ({ config: loaded.config, hash: loaded.hash, loaded_at: loaded.loadedAt.toISOString() }),
    clusters: () => [],
    filters: () => [],
  };
}
