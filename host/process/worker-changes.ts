/**
 * A worker applying a hot change sent by the primary (`workers` > 1): a config reload or a
 * filter module change, through the same Gateway methods the single-process admin API uses.
 * The outcome always resolves (refusals included) so the primary can report every worker.
 */
import { ConfigLoadError } from '../config/errors.js';
import type { Gateway } from '../gateway.js';
import { FilterChangeError } from '../reload/filter-rollout.js';
import type { ChangeOutcome, WorkerChange } from './messages.js';
import { loadedConfigFromWire } from './worker-config.js';

/** What a worker's gateway offers for hot changes (Gateway satisfies it). */
export type ChangeableGateway = Pick<Gateway, 'reload' | 'rollout'>;

function refused(err: unknown): ChangeOutcome {
  if (err instanceof ConfigLoadError) {
    return { ok: false, status: 400, error: 'config refused', errors: err.errors.map((e) => `${e.path}: ${e.message}`) };
  }
  if (err instanceof FilterChangeError) return { ok: false, status: err.status, error: err.message };
  return { ok: false, status: 500, error: String((err as Error)?.message ?? err) };
}

/** Applies `change` to `gw`. Never rejects. */
export async function applyWorkerChange(gw: ChangeableGateway, change: WorkerChange): Promise<ChangeOutcome> {
  try {
    switch (change.kind) {
      case 'reload': {
        const loaded = loadedConfigFromWire(change.loaded);
        if (loaded === undefined) return { ok: false, status: 500, error: 'malformed config from the supervisor' };
        const r = await gw.reload(loaded);
        return { ok: true, result: { hash: r.hash, loaded_at: r.loadedAt, duration_ms: Math.round(r.durationMs * 100) / 100, changes: r.diff } };
      }
      case 'filter_load': {
        const opts = {
          source: 'admin' as const,
          ...(change.canary !== undefined ? { canary: change.canary } : {}),
          ...(change.maxTrapRate !== undefined ? { maxTrapRate: change.maxTrapRate } : {}),
        };
        return { ok: true, result: await gw.rollout.load(change.name, Buffer.from(change.module, 'base64'), opts) };
      }
      case 'filter_promote':
        return { ok: true, result: await gw.rollout.promote(change.name) };
      case 'filter_rollback':
        return { ok: true, result: await gw.rollout.rollback(change.name) };
    }
  } catch (err) {
    return refused(err);
  }
}
