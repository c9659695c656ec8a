/**
 * Changing a filter's module while traffic flows: load a new version (whole, or as a canary on a
 * share of new streams), promote a canary, roll back. A new version is compiled, then started
 * and configured on fresh VMs (one per listener using the filter) before anything changes; if
 * any step fails the change is refused with the reason and the old version keeps serving. The
 * swap itself is one synchronous step over every affected listener; old chains close, and their
 * VMs are shut down (proxy_on_done / proxy_on_delete), when their last stream ends.
 */
import type { ListenerEntry, DataPlane } from '../gateway/data-plane.js';
import type { HttpFilterChain } from '../filter/contract.js';
import { CanaryChain } from './canary-chain.js';
import type { FilterSlot } from './filter-registry.js';
import { chainKeyOf } from './listener-plan.js';
import type { ReloadMetrics } from './metrics.js';
import { compileVersion, type ModuleVersion } from './module-version.js';
import { checkRouteOverrides } from './route-overrides.js';

/** A refused change: `status` is what the admin API answers. */
export class FilterChangeError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = 'FilterChangeError';
  }
}

/** What a successful change reports. */
export interface FilterChangeReport {
  filter: string;
  sha256: string;
  abi_version: string;
  /** Validation, instrumentation and compilation, ms (0 when the version was compiled before). */
  compile_ms: number;
  /** VM start + configure on every listener and the swap, ms. */
  swap_ms: number;
  listeners: string[];
  canary_percent?: number;
}

export interface LoadOptions {
  /** Percent of new streams for the new version (a canary); absent: the whole traffic. */
  canary?: number;
  /** Canary trap rate over which it is rolled back automatically. Default 0.05. */
  maxTrapRate?: number;
  source?: 'file' | 'admin';
}

/** Traps needed before a canary's trap rate is judged (one early trap is not a rate). */
const MIN_CANARY_TRAPS = 3;

export class FilterRollout {
  constructor(private readonly plane: DataPlane, private readonly metrics: ReloadMetrics) {
    plane.filters.onCanaryTrap = (slot, vmDead) => this.checkCanary(slot, vmDead);
  }

  private slot(name: string): FilterSlot {
    const slot = this.plane.filters.slots.get(name);
    if (slot === undefined) throw new FilterChangeError(404, `no filter named "${name}" in the running config`);
    return slot;
  }

  private users(name: string): ListenerEntry[] {
    return [...this.plane.listeners.values()].filter((e) => (e.cfg.http_filters ?? []).some((f) => f.name === name));
  }

  private refuse(name: string, status: number, reason: string): never {
    this.metrics.module(name, 'refused');
    this.plane.deps.log.error(`filter ${name}: new module refused: ${reason}`, { filter: name });
    throw new FilterChangeError(status, reason);
  }

  /** Puts `chain` into the listener's snapshot (one assignment; the caller does all listeners in one step). */
  private install(e: ListenerEntry, chain: HttpFilterChain, chainKey: string): void {
    const snapshot = { ...e.listener.snapshot, filterChain: chain };
    if (this.plane.generation !== undefined) this.plane.generations.register(snapshot, this.plane.generation);
    e.listener.snapshot = snapshot;
    e.chain = chain;
    e.chainKey = chainKey;
  }

  /** Builds a chain per user listener with `name` on `version`; refuses (releasing them) on failure. */
  private buildAll(slot: FilterSlot, version: ModuleVersion, users: ListenerEntry[]): HttpFilterChain[] {
    const built: HttpFilterChain[] = [];
    const registry = this.plane.filters;
    let failed: ListenerEntry | undefined;
    try {
      const rcs = this.plane.loaded?.config.route_configs ?? [];
      for (const e of users) {
        failed = e;
        const versionOf = (n: string): ModuleVersion | undefined => (n === slot.name ? version : registry.slots.get(n)?.current);
        const chain = registry.buildChain(e.cfg.name, e.cfg.http_filters ?? [], e.listener.snapshot.bufferLimitBytes, versionOf,
          e.listener.limits.drainTimeoutMs);
        built.push(chain);
        const at = rcs.findIndex((r) => r.name === e.cfg.route_config);
        checkRouteOverrides(chain, rcs[at], `route_configs[${at}]`);
      }
    } catch (err) {
      for (const c of built) this.plane.background(c.close());
      this.refuse(slot.name, 422, `listener ${failed?.cfg.name}: ${(err as Error).message}`);
    }
    return built;
  }

  private keyFor(e: ListenerEntry): string {
    const slots = this.plane.filters.slots;
    return chainKeyOf(e.cfg, e.listener.snapshot.bufferLimitBytes, (n) => slots.get(n)?.current);
  }

  /** Loads `bytes` as the new version of filter `name` (see LoadOptions). Rejects with FilterChangeError. */
  load(name: string, bytes: Uint8Array, opts: LoadOptions = {}): Promise<FilterChangeReport> {
    return this.plane.serialize(async () => {
      const slot = this.slot(name);
      if (opts.canary !== undefined && !(opts.canary > 0 && opts.canary <= 100)) {
        throw new FilterChangeError(400, `canary must be a percentage in (0, 100], got ${opts.canary}`);
      }
      let version: ModuleVersion;
      try {
        version = await compileVersion(bytes, slot.memoryLimitBytes, opts.source ?? 'admin', this.plane.filters.serials);
      } catch (err) {
        this.refuse(name, 400, (err as Error).message);
      }
      return this.swapTo(slot, version, opts);
    });
  }

  private swapTo(slot: FilterSlot, version: ModuleVersion, opts: LoadOptions & { result?: 'loaded' | 'rolled_back' }): FilterChangeReport {
    const t0 = performance.now();
    const users = this.users(slot.name);
    const chains = this.buildAll(slot, version, users);
    const old = users.map((e) => e.chain);
    const canary = opts.canary !== undefined && opts.canary < 100 ? opts.canary : undefined;
    if (canary === undefined) {
      slot.previous = slot.current;
      slot.current = version;
      slot.canary = undefined;
      users.forEach((e, i) => this.install(e, chains[i]!, this.keyFor(e)));
      for (const c of old) if (c !== undefined) this.plane.background(c.close());
      this.metrics.module(slot.name, opts.result ?? 'loaded');
    } else {
      const state = { version, percent: canary, streams: 0, traps: 0, maxTrapRate: opts.maxTrapRate ?? 0.05, rollingBack: false, dead: false };
      slot.canary = state;
      users.forEach((e, i) => {
        const stable = e.chain instanceof CanaryChain ? e.chain.stable : e.chain!;
        this.install(e, new CanaryChain(stable, chains[i]!, canary, this.plane.deps.random, () => state.streams++), `canary:${version.serial}`);
      });
      for (const c of old) if (c instanceof CanaryChain) this.plane.background(c.next.close());
      this.metrics.module(slot.name, 'canary');
    }
    const report: FilterChangeReport = {
      filter: slot.name, sha256: version.sha256, abi_version: version.compiled.shape.abi,
      compile_ms: opts.result === 'rolled_back' ? 0 : round(version.compileMs),
      swap_ms: round(performance.now() - t0), listeners: users.map((e) => e.cfg.name),
      ...(canary !== undefined ? { canary_percent: canary } : {}),
    };
    this.plane.deps.log.info(`filter ${slot.name}: module ${version.sha256.slice(0, 12)} ${canary === undefined ? 'serving' : `canary at ${canary}%`}`,
      { filter: slot.name, compile_ms: report.compile_ms, swap_ms: report.swap_ms });
    return report;
  }

  /** Makes the canary the whole traffic. */
  promote(name: string): Promise<FilterChangeReport> {
    return this.plane.serialize(async () => {
      const slot = this.slot(name);
      const canary = slot.canary;
      if (canary === undefined) throw new FilterChangeError(409, `filter ${name} has no canary to promote`);
      const t0 = performance.now();
      slot.previous = slot.current;
      slot.current = canary.version;
      slot.canary = undefined;
      const users = this.users(name);
      const stables: HttpFilterChain[] = [];
      for (const e of users) {
        if (!(e.chain instanceof CanaryChain)) continue;
        stables.push(e.chain.stable);
        this.install(e, e.chain.next, this.keyFor(e));
      }
      // Closed after every listener switched; each waits for its own last stream.
      for (const c of stables) this.plane.background(c.close());
      this.metrics.module(name, 'promoted');
      this.plane.deps.log.info(`filter ${name}: canary ${canary.version.sha256.slice(0, 12)} promoted`, { filter: name });
      return {
        filter: name, sha256: canary.version.sha256, abi_version: canary.version.compiled.shape.abi, compile_ms: 0,
        swap_ms: round(performance.now() - t0), listeners: users.map((e) => e.cfg.name),
      };
    });
  }

  /**
   * Goes back: a canary in progress is dropped; otherwise the previous version serves again
   * (and the current one becomes the previous: a second rollback undoes the first).
   */
  rollback(name: string, auto = false): Promise<FilterChangeReport> {
    return this.plane.serialize(async () => {
      const slot = this.slot(name);
      const t0 = performance.now();
      const canary = slot.canary;
      if (canary !== undefined) {
        slot.canary = undefined;
        const users = this.users(name);
        const dropped: HttpFilterChain[] = [];
        for (const e of users) {
          if (!(e.chain instanceof CanaryChain)) continue;
          dropped.push(e.chain.next);
          this.install(e, e.chain.stable, this.keyFor(e));
        }
        for (const c of dropped) this.plane.background(c.close());
        this.metrics.module(name, auto ? 'auto_rolled_back' : 'rolled_back');
        const why = !auto ? 'by the operator'
          : canary.dead ? `its VM failed (failure_policy ${slot.failurePolicy}: not replaced)`
            : `trap rate ${canary.traps}/${canary.streams} over ${canary.maxTrapRate}`;
        this.plane.deps.log.warn(`filter ${name}: canary ${canary.version.sha256.slice(0, 12)} rolled back ${why}`, { filter: name });
        return {
          filter: name, sha256: slot.current.sha256, abi_version: slot.current.compiled.shape.abi, compile_ms: 0,
          swap_ms: round(performance.now() - t0), listeners: users.map((e) => e.cfg.name),
        };
      }
      const previous = slot.previous;
      if (previous === undefined) throw new FilterChangeError(409, `filter ${name} has no previous version`);
      return this.swapTo(slot, previous, { result: 'rolled_back' });
    });
  }

  /**
   * A dead canary VM (no fail_reload) fails every canary stream after it without another trap
   * to count, so the rate would never be reached: it is rolled back at once.
   */
  private checkCanary(slot: FilterSlot, vmDead: boolean): void {
    const c = slot.canary;
    if (c === undefined || c.rollingBack) return;
    if (!vmDead && (c.traps < MIN_CANARY_TRAPS || c.traps / Math.max(c.streams, 1) <= c.maxTrapRate)) return;
    c.dead = vmDead;
    c.rollingBack = true;
    // Called from inside a failing wasm callback: roll back after it has unwound.
    setImmediate(() => {
      this.rollback(slot.name, true).catch((err: unknown) =>
        this.plane.deps.log.error(`filter ${slot.name}: automatic rollback failed: ${(err as Error).message}`));
    });
  }
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
