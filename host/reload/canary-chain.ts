/**
 * A canary: two complete filter chains side by side, the new version taking `percent` of new
 * streams. Each stream runs wholly on one chain, so its response is entirely the old or
 * entirely the new version's.
 */
import type { FilterStream, FilterStreamSink, HttpFilterChain } from '../filter/contract.js';
import type { StreamInfo } from '../http/stream-info.js';
import type { Route } from '../router/contract.js';

export class CanaryChain implements HttpFilterChain {
  readonly filterNames: readonly string[];

  /**
   * `onCanaryStream` is told of each stream sent to `next` (trap rate = traps / streams).
   * `random` is uniform in [0, 1) (injected: tests pin it).
   */
  constructor(readonly stable: HttpFilterChain, readonly next: HttpFilterChain, readonly percent: number,
    private readonly random: () => number, private readonly onCanaryStream: () => void) {
    this.filterNames = stable.filterNames;
  }

  createStream(info: StreamInfo, sink: FilterStreamSink, route: Route | null): FilterStream {
    if (this.random() * 100 < this.percent) {
      this.onCanaryStream();
      return this.next.createStream(info, sink, route);
    }
    return this.stable.createStream(info, sink, route);
  }

  /** Both sides (the chain is being replaced as a whole: reload or stop). */
  async close(): Promise<void> {
    await Promise.all([this.stable.close(), this.next.close()]);
  }
}
