/**
 * Watches every wasm module file of the running config. When a file's content changes (by
 * sha256: a touch without a change does nothing), the new bytes go through the same path as an
 * upload (compile, start and configure on new VMs, swap); a refused module is logged and
 * counted there, and the same bad bytes are not retried until the file changes again.
 *
 * A file is also checked once when watching starts: it may have changed between the config load
 * that read it and the first poll.
 */
import { readFile } from 'node:fs';
import type { Logger } from '../observability/contract.js';
import type { FilterRegistry } from './filter-registry.js';
import type { FilterRollout } from './filter-rollout.js';
import { pollFile } from './file-poll.js';
import { sha256 } from './module-version.js';

export class ModuleWatcher {
  /** file → the function that stops its poll and the last sha256 handled for it. */
  private readonly watched = new Map<string, { stop: () => void; lastSha: string | undefined }>();

  constructor(private readonly filters: FilterRegistry, private readonly rollout: FilterRollout, private readonly log: Logger,
    private readonly intervalMs: number) {}

  /** Watches exactly the files of the registry's current slots (call after each reload). */
  sync(): void {
    const want = new Set([...this.filters.slots.values()].map((s) => s.file));
    for (const [file, w] of this.watched) {
      if (want.has(file)) continue;
      w.stop();
      this.watched.delete(file);
    }
    for (const file of want) {
      if (this.watched.has(file)) continue;
      this.watched.set(file, { stop: pollFile(file, this.intervalMs, () => this.changed(file)), lastSha: undefined });
      this.changed(file);
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
    for (const w of this.watched.values()) w.stop();
    this.watched.clear();
  }
}
