/**
 * Watches every wasm module file of the running config. When a file's content changes (by
 * sha256: a touch without a change does nothing), the new bytes go through the same path as an
 * upload (compile, start and configure on new VMs, swap); a refused module is logged and
 * counted there, and the same bad bytes are not retried until the file changes again.
 *
 * A file is also checked once when watching starts: it may have changed between the config load
 * that read it and the first poll.
 *
 * Files of the registry's slots (listener http_filters) and of the module followers (a filter
 * chain's own http_filters, network_filters) are watched alike; a file used by both goes to both.
 */
import type { Logger } from '../observability/contract.js';
import type { FilterRegistry } from './filter-registry.js';
import type { FilterRollout } from './filter-rollout.js';
import type { ModuleFollowers } from './module-followers.js';
import { watchFileContent } from './file-poll.js';

export class ModuleWatcher {
  /** file → the function that stops its watch. */
  private readonly watched = new Map<string, () => void>();

  constructor(private readonly filters: FilterRegistry, private readonly rollout: FilterRollout, private readonly log: Logger,
    private readonly intervalMs: number, private readonly followers?: ModuleFollowers) {}

  /** Watches exactly the files of the registry's current slots and the followers (call after each reload). */
  sync(): void {
    const want = new Set([...this.filters.slots.values()].map((s) => s.file));
    for (const file of this.followers?.files() ?? []) want.add(file);
    for (const [file, stop] of this.watched) {
      if (want.has(file)) continue;
      stop();
      this.watched.delete(file);
    }
    for (const file of want) {
      if (this.watched.has(file)) continue;
      this.watched.set(file, watchFileContent(file, this.intervalMs, (bytes, sha) => this.changed(file, bytes, sha), { checkNow: true }));
    }
  }

  private changed(file: string, bytes: Buffer, sha: string): void {
    for (const slot of this.filters.slots.values()) {
      if (slot.file !== file || slot.current.sha256 === sha) continue;
      this.log.info(`filter ${slot.name}: module file changed, loading it`, { file });
      this.rollout.load(slot.name, bytes, { source: 'file' }).catch(() => {
        // Refused: already logged and counted by the rollout; the old version keeps serving.
      });
    }
    void this.followers?.changed(file, bytes, sha);
  }

  close(): void {
    for (const stop of this.watched.values()) stop();
    this.watched.clear();
  }
}
