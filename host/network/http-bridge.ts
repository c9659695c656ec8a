/**
 * The HTTP codec's view of a connection that has network filters: a Duplex that node:http
 * reads the filtered client bytes from and writes its responses into, which then pass the
 * filters (upstream data, reverse order) on their way to the client. It looks enough like a
 * socket (addresses, `encrypted`, setTimeout, setNoDelay) for node:http, node:http2 and the
 * connection manager; the listener attaches the TLS facts (tagConnectionTls).
 */
import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';
import type { StreamInfo } from '../http/stream-info.js';
import { Peer, type NetworkFilterFactory } from './contract.js';
import { NetworkFilterManager, type FilterManagerSink } from './filter-manager.js';

/** See the file comment. */
export class HttpBridge extends Duplex implements FilterManagerSink {
  readonly remoteAddress: string | undefined;
  readonly remotePort: number | undefined;
  readonly localAddress: string | undefined;
  readonly localPort: number | undefined;
  /** The downstream connection is TLS (the listener terminated it): requests on it are https. */
  readonly encrypted: boolean;
  private readonly filters: NetworkFilterManager;
  private closedByUs = false;
  private waitingDrain: (() => void) | undefined;

  constructor(private readonly down: Socket, info: StreamInfo, factories: readonly NetworkFilterFactory[]) {
    super({ allowHalfOpen: true });
    this.remoteAddress = down.remoteAddress;
    this.remotePort = down.remotePort;
    this.localAddress = down.localAddress;
    this.localPort = down.localPort;
    this.encrypted = (down as Socket & { encrypted?: boolean }).encrypted === true;
    this.filters = new NetworkFilterManager(info, factories, this);
  }

  /** Runs on_new_connection and starts reading the client. */
  start(): void {
    const down = this.down;
    down.on('data', (buf: Buffer) => this.filters.downstreamData(buf, false));
    down.on('end', () => this.filters.downstreamData(undefined, true));
    down.on('drain', () => {
      const cb = this.waitingDrain;
      this.waitingDrain = undefined;
      cb?.();
    });
    down.on('timeout', () => this.emit('timeout'));
    down.on('error', () => {});
    down.once('close', () => {
      this.filters.downstreamClosed(this.closedByUs ? Peer.Local : Peer.Remote);
      this.filters.destroy();
      this.destroy();
    });
    this.filters.start();
  }

  // ---- FilterManagerSink ----
  toUpstream(data: Buffer, end: boolean): void {
    if (data.length > 0 && !this.push(data)) this.down.pause();
    if (end) this.push(null);
  }

  toDownstream(data: Buffer, end: boolean): void {
    if (this.down.destroyed) return;
    if (data.length > 0) this.down.write(data);
    if (end) this.down.end();
  }

  close(_details: string): void {
    this.closedByUs = true;
    this.down.destroySoon();
  }

  // ---- Duplex ----
  override _read(): void {
    this.down.resume();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.filters.upstreamData(chunk, false);
    if (this.down.writableNeedDrain) this.waitingDrain = cb;
    else cb();
  }

  override _final(cb: (err?: Error | null) => void): void {
    this.filters.upstreamData(undefined, true);
    cb();
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    if (!this.down.destroyed) {
      this.closedByUs = true;
      this.down.destroy();
    }
    cb(err);
  }

  // ---- what node:http calls on a socket ----
  setTimeout(ms: number, cb?: () => void): this {
    this.down.setTimeout(ms);
    if (cb) this.once('timeout', cb);
    return this;
  }

  setNoDelay(noDelay?: boolean): this {
    this.down.setNoDelay(noDelay);
    return this;
  }

  setKeepAlive(enable?: boolean, delay?: number): this {
    this.down.setKeepAlive(enable, delay);
    return this;
  }
}
