/**
 * Admin endpoints of hot loading: filter module versions (load, canary, promote, rollback) and
 * whole-config reloads. Refusals answer 4xx with the reason; the running version keeps serving.
 */
import { ConfigLoadError } from '../config/errors.js';
import type { ApplyReport } from '../reload/coordinator.js';
import { FilterChangeError, type FilterChangeReport, type LoadOptions } from '../reload/filter-rollout.js';
import type { AdminResponse, AdminRoute } from './contract.js';
import { jsonResponse } from './endpoints.js';

/** What these endpoints need from the gateway. */
export interface ReloadTarget {
  readonly rollout: {
    load(name: string, bytes: Uint8Array, opts?: LoadOptions): Promise<FilterChangeReport>;
    promote(name: string): Promise<FilterChangeReport>;
    rollback(name: string): Promise<FilterChangeReport>;
  };
  reloadText(text: string, format: 'yaml' | 'json'): Promise<ApplyReport>;
}

/** A rejected change as a response; anything unexpected rethrows (the server answers 500). */
function refusal(err: unknown): AdminResponse {
  if (err instanceof FilterChangeError) return jsonResponse({ error: err.message }, err.status);
  if (err instanceof ConfigLoadError) {
    return jsonResponse({ error: 'config refused; nothing changed', errors: err.errors.map((e) => `${e.path}: ${e.message}`) }, 400);
  }
  throw err;
}

function numberParam(q: URLSearchParams, name: string): number | undefined | string {
  const v = q.get(name);
  if (v === null) return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : `${name} must be a number, got "${v}"`;
}

/** PUT /filters/{name}, POST /filters/{name}/promote, POST /filters/{name}/rollback, POST /config. */
export function reloadAdminRoutes(target: ReloadTarget): AdminRoute[] {
  return [
    {
      method: 'PUT',
      path: '/filters/{name}',
      help: 'load a new module version (.wasm body); ?canary=10 runs it on 10% of new streams',
      handler: async (req) => {
        const canary = numberParam(req.query, 'canary');
        const maxTrapRate = numberParam(req.query, 'max_trap_rate');
        if (typeof canary === 'string') return jsonResponse({ error: canary }, 400);
        if (typeof maxTrapRate === 'string') return jsonResponse({ error: maxTrapRate }, 400);
        const body = await req.body();
        if (body.length === 0) return jsonResponse({ error: 'empty body: send the .wasm module' }, 400);
        try {
          const opts: LoadOptions = { source: 'admin' };
          if (canary !== undefined) opts.canary = canary;
          if (maxTrapRate !== undefined) opts.maxTrapRate = maxTrapRate;
          return jsonResponse(await target.rollout.load(req.params.name!, body, opts));
        } catch (err) {
          return refusal(err);
        }
      },
    },
    {
      method: 'POST',
      path: '/filters/{name}/promote',
      help: 'make the canary of a filter its whole traffic',
      handler: async (req) => {
        try {
          return jsonResponse(await target.rollout.promote(req.params.name!));
        } catch (err) {
          return refusal(err);
        }
      },
    },
    {
      method: 'POST',
      path: '/filters/{name}/rollback',
      help: 'drop a canary, or go back to the previous module version',
      handler: async (req) => {
        try {
          return jsonResponse(await target.rollout.rollback(req.params.name!));
        } catch (err) {
          return refusal(err);
        }
      },
    },
    {
      method: 'POST',
      path: '/config',
      help: 'apply a full config (YAML or JSON body) as a diff; errors as path: message, nothing changes',
      handler: async (req) => {
        const text = (await req.body()).toString('utf8');
        const format = /^\s*[{[]/.test(text) ? 'json' : 'yaml';
        try {
          const r = await target.reloadText(text, format);
          return jsonResponse({ hash: r.hash, loaded_at: r.loadedAt, duration_ms: Math.round(r.durationMs * 100) / 100, changes: r.diff });
        } catch (err) {
          return refusal(err);
        }
      },
    },
  ];
}
