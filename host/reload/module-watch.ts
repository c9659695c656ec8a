/**
 * Watches every wasm module file of the running config. When a file's content changes (by
 * sha256: a touch without a change does nothing), the new bytes go through the same path as an
 * upload (compile, start and configure on new VMs, swap); a refused module is logged and
 * counted there, and the same bad bytes are not retried until the file changes again.
 *
 * Polling (fs.watchFile) rather than fs.watch: build tools replace files by rename, which an
 * inotify watch on the old inode never sees.
 */
import { readFile, unwatchFile, watchFile, type Stats } from 'node:fs';
import type { Logger } from '../observability/contract.js';
import type { FilterRegistry } from './filter-registry.js';
import type { FilterRollout } from './filter-rollout.js';
import { sha256 } from './module-version.js';

export class ModuleWatcher {
  /** file → the listener of watchFile and the last sha256 handled for it. */
  private readonly watched = new Map<string, { listener: (cur: Stats, prev: Stats) => void; lastSha: string | undefined }>();

  constructor(private readonly filters: FilterRegistry, private readonly rollout: FilterRollout, private readonly log: Logger,
    private readonly intervalMs: number) {}

  /** Watches exactly the files of the registry's current slots (call after each reload). */
  sync(): void {
    const want = new Set([...this.filters.slots.values()].map((s) => s.file));
    for (const [file, w] of this.watched) {
      if (want.has(file)) continue;
      unwatchFile(file, w.listener);
      this.watched.delete(file);
    }
    for (const file of want) {
      if (this.watched.has(file)) continue;
      const listener = (cur: Stats, prev: Stats): void => {
        if (cur.mtimeMs === prev.mtimeMs && cur.size === prev.size) return;
        this.changed(file);
      };
      this.watched.set(file, { listener, lastSha: undefined });
      watchFile(file, { interval: this.intervalMs, persistent: false }, listener);
    }
  }

  private changed(file: string): void {
    readFile(file, (err, bytes) => {
      if (err) return; // mid-replace or removed: the next change event retries
      const w = this.watched.get(file);
      if (w === undefined) return;
      const sha = sha256(bytes);
      if (sha === w.lastSha) return;
      w.lastSha = sha;
      for (const slot of this.filters.slots.values()) {
        if (slot.file !== file || slot.current.sha256 === sha) continue;
        this.log.info(`filter ${slot.name}: module file changed, loading it`, { file });
        this.rollout.load(slot.name, bytes, { source: 'file' }).catch(() => {
          // Refused: already logged and counted by the rollout; the old version keeps serving.
        });
      }
    });
  }

  close(): void {
    for (const [file, w] of this.watched) unwatchFile(file, w.listener);
    this.watched.clear();
  }
}
