/**
 * Hot changes with `workers` > 1, in the primary: it validates a new config itself (schema and
 * semantic checks; nothing reaches a worker otherwise), then sends it to every serving worker
 * over IPC; each applies it as a diff and answers; the result lists every worker's outcome.
 * Filter module changes (upload, canary, promote, rollback) are forwarded the same way. The
 * config file and the filter module files are watched here, in the primary, and SIGHUP too.
 * A worker restarted later gets the last applied config and the filter changes applied since
 * (./filter-journal.ts). Configs refused here never reach a worker, so this is where their
 * error and `sluice_config_reloads_total{result="refused"}` are kept (merged into GET /config_dump).
 */
import { resolve } from 'node:path';
import type { AdminResponse, AdminRoute } from '../admin/contract.js';
import { watchFileContent } from '../reload/file-poll.js';
import { jsonResponse } from '../admin/endpoints.js';
import { ConfigLoadError } from '../config/errors.js';
import { loadConfigFile, parseConfigText, type LoadedConfig } from '../config/load.js';
import type { Registry } from 'prom-client';
import type { Logger } from '../observability/contract.js';
import { ReloadMetrics } from '../reload/metrics.js';
import { FilterJournal } from './filter-journal.js';
import type { ChangeOutcome, WorkerChange } from './messages.js';
import { workerLoadedConfig } from './worker-config.js';
import type { WorkerSlot } from './worker-slot.js';

/** How long one worker may take to apply a change (compiling modules, binding listeners). */
const CHANGE_TIMEOUT_MS = 60_000;

interface WorkerResult extends ChangeOutcome {
  worker: number;
}

/** The last config refused by the primary's own validation (cleared by the next applied one). */
export interface RefusedConfig {
  at: Date;
  errors: string[];
}

export class SupervisorReloader {
  /** The config the workers run (the last one at least one worker applied). */
  current: LoadedConfig;
  /** Where `current` came from: POST /config lasts only until the next file reload. */
  source: 'file' | 'admin' = 'file';
  lastError: RefusedConfig | undefined;
  readonly journal = new FilterJournal();
  private readonly metrics: ReloadMetrics | undefined;
  private unwatchModules: (() => void) | undefined;

  /** `registry`: the primary's own (aggregated with the workers' on /stats/prometheus). */
  constructor(private readonly slots: readonly WorkerSlot[], loaded: LoadedConfig, private readonly log: Logger, registry?: Registry) {
    this.current = loaded;
    this.metrics = registry ? new ReloadMetrics(registry) : undefined;
  }

  /** Sends a filter change to every serving worker and remembers it for workers started later. */
  private async filterChange(change: WorkerChange): Promise<WorkerResult[]> {
    const results = await this.toWorkers(change);
    this.journal.record(change, results);
    return results;
  }

  /** Sends `change` to every serving worker; one result per worker. */
  private async toWorkers(change: WorkerChange): Promise<WorkerResult[]> {
    return Promise.all(this.slots.map(async (s): Promise<WorkerResult> => {
      if (s.state !== 'ready' || !s.rpc) return { worker: s.id, ok: false, status: 503, error: `worker ${s.id} is ${s.state}` };
      try {
        return { worker: s.id, ...(await s.rpc.change(change, CHANGE_TIMEOUT_MS)) as ChangeOutcome };
      } catch (err) {
        return { worker: s.id, ok: false, status: 500, error: (err as Error).message };
      }
    }));
  }

  /** The admin answer for per-worker results: 200 all applied, the common 4xx when all refused, else 500. */
  private answer(results: WorkerResult[]): AdminResponse {
    const ok = results.filter((r) => r.ok).length;
    const statuses = new Set(results.filter((r) => !r.ok).map((r) => r.status ?? 500));
    const status = ok === results.length ? 200 : ok === 0 && statuses.size === 1 ? [...statuses][0]! : 500;
    return jsonResponse({ applied: `${ok}/${results.length}`, workers: results }, status);
  }

  /** Applies a validated config to every worker. */
  async apply(next: LoadedConfig, source: 'file' | 'admin'): Promise<AdminResponse> {
    if ((next.config.workers ?? 1) !== (this.current.config.workers ?? 1)) this.log.warn('workers changed: applies at the next restart');
    const results = await this.toWorkers({ kind: 'reload', loaded: workerLoadedConfig(next) });
    if (results.some((r) => r.ok)) {
      this.journal.configApplied(this.current, next);
      this.current = next;
      this.source = source;
      this.lastError = undefined;
      for (const s of this.slots) s.setConfig(workerLoadedConfig(next));
      this.syncModuleWatch();
    }
    for (const r of results) if (!r.ok) this.log.error(`config reload refused by worker ${r.worker}: ${r.errors?.join('; ') ?? r.error}`);
    return this.answer(results);
  }

  private refused(e: ConfigLoadError): AdminResponse {
    const errors = e.errors.map((x) => `${x.path}: ${x.message}`);
    this.lastError = { at: new Date(), errors };
    this.metrics?.reload('refused');
    for (const line of errors) this.log.error(`config reload refused: ${line}`);
    return jsonResponse({ error: 'config refused; nothing changed', errors }, 400);
  }

  /** SIGHUP / file watch: read, validate here, then apply in every worker. */
  async reloadFile(file: string): Promise<AdminResponse> {
    try {
      return await this.apply(await loadConfigFile(file), 'file');
    } catch (err) {
      if (err instanceof ConfigLoadError) return this.refused(err);
      throw err;
    }
  }

  /** POST /config. */
  async reloadText(text: string): Promise<AdminResponse> {
    let next: LoadedConfig;
    try {
      const format = /^\s*[{[]/.test(text) ? 'json' : 'yaml';
      next = parseConfigText(text, { format, baseDir: this.current.baseDir, ...(this.current.file ? { file: this.current.file } : {}) });
    } catch (err) {
      if (err instanceof ConfigLoadError) return this.refused(err);
      throw err;
    }
    return this.apply(next, 'admin');
  }

  /** The hot-change admin endpoints of the primary (per-worker results). */
  routes(): AdminRoute[] {
    const filter = async (change: WorkerChange): Promise<AdminResponse> => this.answer(await this.filterChange(change));
    return [
      {
        method: 'PUT', path: '/filters/{name}', help: 'load a new module version in every worker (.wasm body; ?canary=10)',
        handler: async (req) => {
          const canary = req.query.get('canary');
          const rate = req.query.get('max_trap_rate');
          const body = await req.body();
          if (body.length === 0) return jsonResponse({ error: 'empty body: send the .wasm module' }, 400);
          return filter({
            kind: 'filter_load', name: req.params.name!, module: body.toString('base64'),
            ...(canary !== null ? { canary: Number(canary) } : {}), ...(rate !== null ? { maxTrapRate: Number(rate) } : {}),
          });
        },
      },
      { method: 'POST', path: '/filters/{name}/promote', help: 'promote the canary in every worker', handler: (req) => filter({ kind: 'filter_promote', name: req.params.name! }) },
      { method: 'POST', path: '/filters/{name}/rollback', help: 'roll back in every worker', handler: (req) => filter({ kind: 'filter_rollback', name: req.params.name! }) },
      {
        method: 'POST', path: '/config', help: 'validate, then apply a full config (YAML or JSON) in every worker',
        handler: async (req) => this.reloadText((await req.body()).toString('utf8')),
      },
    ];
  }

  /** Watches the filter module files of the current config; a changed one is loaded in every worker. */
  syncModuleWatch(intervalMs = 500): void {
    this.unwatchModules?.();
    const byFile = new Map<string, string[]>();
    for (const l of this.current.config.listeners) {
      for (const f of l.http_filters ?? []) {
        const file = resolve(this.current.baseDir, f.wasm.file);
        byFile.set(file, [...new Set([...(byFile.get(file) ?? []), f.name])]);
      }
    }
    const stops: (() => void)[] = [];
    for (const [file, names] of byFile) {
      stops.push(watchFileContent(file, intervalMs, (bytes) => {
        for (const name of names) {
          this.log.info(`filter ${name}: module file changed, loading it in every worker`, { file });
          void this.filterChange({ kind: 'filter_load', name, module: bytes.toString('base64') });
        }
      }));
    }
    this.unwatchModules = () => stops.forEach((s) => s());
  }

  close(): void {
    this.unwatchModules?.();
  }
}
