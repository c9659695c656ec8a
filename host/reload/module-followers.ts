/**
 * Wasm modules a listener builds itself, outside the filter registry: a filter chain's own
 * `http_filters` and `network_filters` (listener-level and per chain). Each build registers what
 * it runs of a file here; when the module watcher sees the file change, the new bytes are
 * compiled once, started and configured on fresh VMs for every user (nothing changes yet), and
 * only when all of them started does each switch its new connections / streams to them. A
 * failure anywhere refuses the change as a registry filter's would be (log line + the
 * `refused` module metric) and shuts down the VMs already started; the old version keeps serving.
 */
import type { Logger } from '../observability/contract.js';
import { compileModule } from '../wasm/plugin.js';
import type { CompiledModule } from '../wasm/vm.js';
import type { ReloadMetrics } from './metrics.js';

/** New VMs started for one user, not serving yet. */
export interface StagedModule {
  /** Makes them serve new connections / streams (the old ones finish, then shut down). */
  commit(): void;
  /** Shuts them down (another user refused the module). */
  abort(): void;
}

/** The filters of one built list that run one module file. */
export interface FollowedModule {
  /** Filter names (log lines, metric labels). */
  readonly filters: readonly string[];
  /** Absolute path. */
  readonly file: string;
  readonly memoryLimitBytes: number;
  /** sha256 of the bytes serving now. */
  sha256: string;
  /** Starts `compiled` on new VMs (vm_start + configure); throws the reason, leaving nothing behind. */
  stage(compiled: CompiledModule): StagedModule;
}

export interface ModuleFollowersDeps {
  log: Logger;
  metrics: ReloadMetrics;
  /** Orders changes with config reloads and registry swaps (DataPlane.serialize). */
  serialize<T>(fn: () => Promise<T>): Promise<T>;
}

export class ModuleFollowers {
  private readonly followed = new Set<FollowedModule>();

  constructor(private readonly deps: ModuleFollowersDeps) {}

  /** Registers `m`; returns the function that forgets it (its listener closed). */
  follow(m: FollowedModule): () => void {
    this.followed.add(m);
    return () => this.followed.delete(m);
  }

  /** Files some live listener runs (the module watcher watches them). */
  files(): Set<string> {
    return new Set([...this.followed].map((m) => m.file));
  }

  /** `file` now holds `bytes`: users not already on them switch, or all refuse. Never rejects. */
  changed(file: string, bytes: Buffer, sha: string): Promise<void> {
    return this.deps.serialize(async () => {
      const users = [...this.followed].filter((m) => m.file === file && m.sha256 !== sha);
      if (users.length === 0) return;
      const names = [...new Set(users.flatMap((m) => m.filters))];
      this.deps.log.info(`filters ${names.join(', ')}: module file changed, loading it`, { file });
      const staged: StagedModule[] = [];
      try {
        const compiled = new Map<number, Promise<CompiledModule>>();
        for (const m of users) {
          let c = compiled.get(m.memoryLimitBytes);
          if (c === undefined) {
            c = compileModule(bytes, m.memoryLimitBytes).catch((err: unknown) => {
              throw new Error(`compile failed: ${(err as Error).message}`);
            });
            compiled.set(m.memoryLimitBytes, c);
          }
          staged.push(m.stage(await c));
        }
      } catch (err) {
        for (const s of staged) s.abort();
        for (const name of names) {
          this.deps.metrics.module(name, 'refused');
          this.deps.log.error(`filter ${name}: new module refused: ${(err as Error).message}`, { filter: name, file });
        }
        return;
      }
      // One synchronous step: every user switches before anything else runs.
      for (const s of staged) s.commit();
      for (const m of users) m.sha256 = sha;
      for (const name of names) this.deps.metrics.module(name, 'loaded');
      this.deps.log.info(`filters ${names.join(', ')}: module ${sha.slice(0, 12)} serving`, { file });
    });
  }
}
