import { ConfigLoadError, type ConfigError } from '../config/errors.js';

/**
 * The IPC protocol between the supervisor (cluster primary) and its workers. Every message is a
 * plain object with a `sluice` tag, so messages from anything else on the channel (node:cluster's
 * own internal traffic is already filtered out by Node; libraries may add more) are ignored.
 */

/** What a worker can be asked over IPC; each answers with JSON-able data. */
export type WorkerQuery =
  /** prom-client `getMetricsAsJSON()` of the worker's registry (for AggregatorRegistry.aggregate). */
  | 'metrics'
  /** The worker gateway's AdminView.ready(). */
  | 'ready'
  | 'config_dump'
  | 'clusters'
  | 'filters'
  /** A few numbers about the worker for GET /workers (pid, requests served, uptime). */
  | 'summary';

/** A listener as bound by a worker (port 0 in config resolves to the port actually bound). */
export interface BoundListener {
  name: string;
  host: string;
  port: number;
}

/**
 * An Error flattened for IPC. A ConfigLoadError keeps its `errors` (and comes back as one), and
 * `code`, `address` and `port` survive, so the CLI explains a worker's failure as its own.
 */
export interface WireError {
  message: string;
  configErrors?: ConfigError[];
  stack?: string;
  code?: string;
  address?: string;
  port?: number;
}

/**
 * A hot change the primary asks every worker to apply (after validating it itself). The worker
 * answers with an `answer` whose value is a ChangeOutcome.
 */
export type WorkerChange =
  /** A new config, in its IPC form (./worker-config.ts), applied as a diff. */
  | { kind: 'reload'; loaded: unknown }
  /** A new module version of filter `name` (bytes base64); `canary` percent of new streams. */
  | { kind: 'filter_load'; name: string; module: string; canary?: number; maxTrapRate?: number }
  | { kind: 'filter_promote'; name: string }
  | { kind: 'filter_rollback'; name: string };

/** One worker's result of a WorkerChange. */
export interface ChangeOutcome {
  ok: boolean;
  /** HTTP status the admin API answers for this refusal (4xx), when refused. */
  status?: number;
  /** The report of an applied change. */
  result?: unknown;
  error?: string;
  /** `path: message` lines of a refused config. */
  errors?: string[];
}

/** Primary → worker. */
export type ToWorker =
  | { sluice: 'change'; id: number; change: WorkerChange }
  /**
   * The config to run, sent once right after fork (see ./worker-config.ts for why not a path),
   * and the filter module changes its siblings applied since (./filter-journal.ts), applied in
   * order before the worker reports `started`.
   */
  | { sluice: 'config'; loaded: unknown; changes?: WorkerChange[] }
  | { sluice: 'ping'; seq: number }
  | { sluice: 'query'; id: number; query: WorkerQuery }
  /** Stop accepting, drain in-flight requests for at most `drainTimeoutMs`, then exit 0. */
  | { sluice: 'stop'; drainTimeoutMs: number };

/** Worker → primary. */
export type FromWorker =
  /** The worker's handlers are installed: the primary may send the config now (not earlier,
   *  or the message could arrive before anything listens for it). */
  | { sluice: 'hello' }
  | { sluice: 'pong'; seq: number }
  | { sluice: 'started'; listeners: BoundListener[] }
  | { sluice: 'start_failed'; error: WireError }
  | { sluice: 'answer'; id: number; ok: true; value: unknown }
  | { sluice: 'answer'; id: number; ok: false; error: string };

const TO_WORKER = new Set(['config', 'ping', 'query', 'stop', 'change']);
const FROM_WORKER = new Set(['hello', 'pong', 'started', 'start_failed', 'answer']);

function tagged(m: unknown, tags: Set<string>): boolean {
  return typeof m === 'object' && m !== null && tags.has((m as { sluice?: unknown }).sluice as string);
}

/** True for a message the supervisor sent (checked on the worker side). */
export function isToWorker(m: unknown): m is ToWorker {
  return tagged(m, TO_WORKER);
}

/** True for a message a worker sent (checked on the supervisor side). */
export function isFromWorker(m: unknown): m is FromWorker {
  return tagged(m, FROM_WORKER);
}

/** Flattens an error for IPC, keeping the fields the CLI uses to explain a failure to bind. */
export function toWireError(err: unknown): WireError {
  const e = err as Partial<NodeJS.ErrnoException> & { address?: unknown; port?: unknown };
  const out: WireError = { message: typeof e?.message === 'string' ? e.message : String(err) };
  if (err instanceof ConfigLoadError) out.configErrors = err.errors.map((c) => ({ path: c.path, message: c.message }));
  if (typeof e?.stack === 'string') out.stack = e.stack;
  if (typeof e?.code === 'string') out.code = e.code;
  if (typeof e?.address === 'string') out.address = e.address;
  if (typeof e?.port === 'number') out.port = e.port;
  return out;
}

/** Rebuilds an Error from its wire form (the same fields, so `err.code === 'EADDRINUSE'` still works). */
export function fromWireError(w: WireError): Error {
  if (w.configErrors !== undefined) return new ConfigLoadError(w.configErrors);
  const err = new Error(w.message) as Error & Omit<WireError, 'message' | 'configErrors'>;
  if (w.stack !== undefined) err.stack = w.stack;
  if (w.code !== undefined) err.code = w.code;
  if (w.address !== undefined) err.address = w.address;
  if (w.port !== undefined) err.port = w.port;
  return err;
}
