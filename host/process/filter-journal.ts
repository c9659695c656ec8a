/**
 * What the primary remembers of filter module changes (`workers` > 1) so that a worker started
 * later (a restart after a crash) serves the same modules as its siblings: per filter, the module
 * loaded over the admin API or a module file change, the one before it (so a rollback on the new
 * worker goes where its siblings' would), and a canary in progress. A config reload ends every
 * canary, and a filter whose file or memory limit changed (or that is gone) runs its file's
 * module again, as in the workers (host/reload/filter-registry.ts `prepare`).
 *
 * Not seen here: a canary a worker rolled back on its own (trap rate); a replayed one is rolled
 * back again by the new worker when it traps.
 */
import type { LoadedConfig } from '../config/load.js';
import type { ChangeOutcome, WorkerChange } from './messages.js';

type FilterLoad = Extract<WorkerChange, { kind: 'filter_load' }>;

interface FilterState {
  /** Module serving all streams; undefined: the config file's module. */
  stable: FilterLoad | undefined;
  /** What `stable` replaced (a rollback target). */
  previous: FilterLoad | undefined;
  canary: FilterLoad | undefined;
}

/** A filter's file and memory limit in `loaded` (a change of either reloads the file's module). */
function moduleKeys(loaded: LoadedConfig): Map<string, string> {
  const out = new Map<string, string>();
  for (const l of loaded.config.listeners) {
    for (const f of l.http_filters ?? []) {
      if (!out.has(f.name)) out.set(f.name, `${f.wasm.file}\0${f.wasm.memory_limit_mb ?? 64}`);
    }
  }
  return out;
}

export class FilterJournal {
  private readonly filters = new Map<string, FilterState>();

  /** Records `change` when at least one worker applied it (`outcomes`). */
  record(change: WorkerChange, outcomes: readonly ChangeOutcome[]): void {
    if (change.kind === 'reload' || !outcomes.some((o) => o.ok)) return;
    const s = this.filters.get(change.name) ?? { stable: undefined, previous: undefined, canary: undefined };
    this.filters.set(change.name, s);
    switch (change.kind) {
      case 'filter_load':
        if (change.canary !== undefined && change.canary < 100) {
          s.canary = change;
        } else {
          s.previous = s.stable;
          s.stable = { kind: 'filter_load', name: change.name, module: change.module };
          s.canary = undefined;
        }
        return;
      case 'filter_promote':
        if (s.canary === undefined) return;
        s.previous = s.stable;
        s.stable = { kind: 'filter_load', name: change.name, module: s.canary.module };
        s.canary = undefined;
        return;
      case 'filter_rollback':
        if (s.canary !== undefined) {
          s.canary = undefined;
        } else {
          [s.stable, s.previous] = [s.previous, s.stable];
        }
        return;
    }
  }

  /** A config `next` replaced `before` in the workers. */
  configApplied(before: LoadedConfig, next: LoadedConfig): void {
    const was = moduleKeys(before);
    const now = moduleKeys(next);
    for (const [name, s] of this.filters) {
      if (now.get(name) === undefined || now.get(name) !== was.get(name)) this.filters.delete(name);
      else s.canary = undefined;
    }
  }

  /**
   * The changes that bring a worker started from the current config to its siblings' modules,
   * in order. A filter back on its file's module with a loaded one as previous replays nothing.
   */
  replay(): WorkerChange[] {
    const out: WorkerChange[] = [];
    for (const s of this.filters.values()) {
      if (s.stable !== undefined) {
        if (s.previous !== undefined) out.push(s.previous);
        out.push(s.stable);
      }
      if (s.canary !== undefined) out.push(s.canary);
    }
    return out;
  }
}
