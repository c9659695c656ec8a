/**
 * Counters of hot loading: config reloads by result, and filter module changes by filter and
 * result. Registered once per gateway registry (reused when already there).
 */
import { Counter, type Registry } from 'prom-client';

/** What happened to a config reload. */
export type ReloadResult = 'applied' | 'unchanged' | 'refused';

/** What happened to a filter module change. */
export type ModuleResult = 'loaded' | 'refused' | 'canary' | 'promoted' | 'rolled_back' | 'auto_rolled_back';

export class ReloadMetrics {
  private readonly reloads: Counter<'result'>;
  private readonly modules: Counter<'filter' | 'result'>;

  constructor(registry: Registry) {
    this.reloads = (registry.getSingleMetric('sluice_config_reloads_total') as Counter<'result'> | undefined) ?? new Counter({
      name: 'sluice_config_reloads_total', help: 'Config reloads by result (applied, unchanged, refused)',
      labelNames: ['result'], registers: [registry],
    });
    this.modules = (registry.getSingleMetric('sluice_filter_module_changes_total') as Counter<'filter' | 'result'> | undefined) ?? new Counter({
      name: 'sluice_filter_module_changes_total',
      help: 'Filter module changes by result (loaded, refused, canary, promoted, rolled_back, auto_rolled_back)',
      labelNames: ['filter', 'result'], registers: [registry],
    });
  }

  reload(result: ReloadResult): void {
    this.reloads.inc({ result });
  }

  module(filter: string, result: ModuleResult): void {
    this.modules.inc({ filter, result });
  }
}
