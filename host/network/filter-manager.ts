/**
 * Runs a connection's network filters (host/network/contract.ts) between the downstream socket
 * and the terminal (tcp_proxy upstream or HTTP codec): client bytes through the filters in
 * order, bytes towards the client in reverse order. A filter that stops keeps the bytes here;
 * the next delivery (or its continue) runs the chain again over everything buffered, so each
 * callback sees the total, as in Envoy.
 *
 * Each filter gets proxy_on_new_connection once, when iteration first reaches it: a filter that
 * stops there holds every filter after it (and the terminal) until it continues or client
 * bytes pass it, as Envoy's per-filter `initialized_` flag does.
 */
import type { StreamInfo } from '../http/stream-info.js';
import { NetStatus, type Peer, type NetworkFilter, type NetworkFilterCallbacks, type NetworkFilterFactory } from './contract.js';

/** Where the filtered bytes go. */
export interface FilterManagerSink {
  /** Client bytes that passed every filter. */
  toUpstream(data: Buffer, end: boolean): void;
  /** Terminal bytes that passed every filter. */
  toDownstream(data: Buffer, end: boolean): void;
  /** A filter closed the connection. */
  close(details: string): void;
  /**
   * Every filter has accepted the new connection: the terminal may start (tcp_proxy connects
   * its upstream here, so a server that speaks first is heard without client bytes). Once.
   */
  ready?(): void;
}

/** One connection's filter chain state. */
export class NetworkFilterManager implements NetworkFilterCallbacks {
  private readonly filters: NetworkFilter[] = [];
  /** Whether filter i has had proxy_on_new_connection. */
  private readonly initialized: boolean[] = [];
  private isReady = false;
  private down: Buffer[] = [];
  private downEnd = false;
  private up: Buffer[] = [];
  private upEnd = false;
  /** Index of the filter holding client bytes, -1 when none. */
  private heldAt = -1;
  private closed = false;
  private destroyed = false;

  constructor(readonly info: StreamInfo, factories: readonly NetworkFilterFactory[], private readonly sink: FilterManagerSink) {
    factories.forEach((f, i) => {
      this.filters.push(f.create(this, i));
      this.initialized.push(false);
    });
  }

  /**
   * proxy_on_new_connection on each filter, in order, until one stops (the rest run when it
   * continues). false: a filter stopped or closed the connection.
   */
  start(): boolean {
    this.runDown(0);
    return this.isReady;
  }

  /** Bytes (or the end) from the client. */
  downstreamData(data: Buffer | undefined, end: boolean): void {
    if (this.closed) return;
    if (data !== undefined && data.length > 0) this.down.push(data);
    if (end) this.downEnd = true;
    if (this.heldAt >= 0 && data === undefined && !end) return;
    this.runDown(0);
  }

  /** Bytes (or the end) from the terminal. */
  upstreamData(data: Buffer | undefined, end: boolean): void {
    if (this.closed) return;
    if (data !== undefined && data.length > 0) this.up.push(data);
    if (end) this.upEnd = true;
    const ref = { buf: concat(this.up), length: 0, modified: false };
    for (let i = this.filters.length - 1; i >= 0; i--) {
      if (!this.initialized[i]) continue;
      ref.length = ref.buf.length;
      const st = this.filters[i]!.onUpstreamData(ref, this.upEnd);
      if (this.closed) return;
      if (st !== NetStatus.Continue) {
        this.up = ref.buf.length > 0 ? [ref.buf] : [];
        return;
      }
    }
    this.up = [];
    this.sink.toDownstream(ref.buf, this.upEnd);
  }

  private runDown(from: number): void {
    this.heldAt = -1;
    const ref = { buf: concat(this.down), length: 0, modified: false };
    for (let i = from; i < this.filters.length; i++) {
      if (!this.initialized[i]) {
        this.initialized[i] = true;
        const st = this.filters[i]!.onNewConnection();
        if (this.closed) return;
        if (st !== NetStatus.Continue) {
          this.down = ref.buf.length > 0 ? [ref.buf] : [];
          this.heldAt = i;
          return;
        }
      }
      // Data callbacks only for bytes (or the end): a continue from on_new_connection with
      // nothing buffered goes on to the next filter's on_new_connection.
      if (ref.buf.length === 0 && !this.downEnd) continue;
      ref.length = ref.buf.length;
      const st = this.filters[i]!.onDownstreamData(ref, this.downEnd);
      if (this.closed) return;
      if (st !== NetStatus.Continue) {
        this.down = ref.buf.length > 0 ? [ref.buf] : [];
        this.heldAt = i;
        return;
      }
    }
    this.down = [];
    if (!this.isReady) {
      this.isReady = true;
      this.sink.ready?.();
      if (this.closed) return;
    }
    if (ref.buf.length > 0 || this.downEnd) this.sink.toUpstream(ref.buf, this.downEnd);
  }

  // ---- NetworkFilterCallbacks ----
  continueReading(index: number): void {
    if (this.closed || this.heldAt !== index) return;
    this.runDown(index + 1);
  }

  close(details: string): void {
    if (this.closed) return;
    this.closed = true;
    this.sink.close(details);
  }

  /** The client side closed (`peer` Local when we closed it). */
  downstreamClosed(peer: Peer): void {
    this.filters.forEach((f, i) => this.initialized[i] && f.onDownstreamClose(peer));
  }

  /** The upstream side closed. */
  upstreamClosed(peer: Peer): void {
    this.filters.forEach((f, i) => this.initialized[i] && f.onUpstreamClose(peer));
  }

  /** The connection is over: every filter releases its context. Idempotent. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.closed = true;
    for (const f of this.filters) f.destroy();
  }
}

function concat(parts: Buffer[]): Buffer {
  return parts.length === 0 ? EMPTY : parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}

const EMPTY = Buffer.alloc(0);
