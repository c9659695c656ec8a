/**
 * One downstream connection proxied by tcp_proxy, optionally through network filters: bytes
 * both ways with backpressure (a side that cannot take more pauses the other), half-close
 * passed on (FIN one way keeps the other way open), idle timeout, and the filters' close
 * callbacks and context release when the connection ends.
 */
import type { Socket } from 'node:net';
import type { StreamInfo } from '../http/stream-info.js';
import type { Endpoint } from '../upstream/contract.js';
import { Peer, type NetworkFilterFactory } from './contract.js';
import { NetworkFilterManager, type FilterManagerSink } from './filter-manager.js';
import type { TcpProxyFactory, TcpUpstream, UpstreamEvents } from './tcp-proxy.js';

/** See the file comment. */
export class TcpSession implements FilterManagerSink, UpstreamEvents {
  private upstream: TcpUpstream | null = null;
  private readonly filters: NetworkFilterManager | undefined;
  private closedByUs = false;
  private upstreamClosedByUs = false;
  private downDone = false;
  private upDone = false;
  private opened = false;
  private upCloseReported = false;

  constructor(private readonly down: Socket, private readonly proxy: TcpProxyFactory, readonly info: StreamInfo,
    factories: readonly NetworkFilterFactory[], private readonly onDone: () => void) {
    this.filters = factories.length > 0 ? new NetworkFilterManager(info, factories, this) : undefined;
  }

  start(): void {
    const { down, proxy } = this;
    proxy.stats.connections.inc();
    proxy.stats.active.inc();
    down.on('data', (buf: Buffer) => {
      if (this.filters) this.filters.downstreamData(buf, false);
      else this.toUpstream(buf, false);
    });
    down.on('end', () => {
      if (this.filters) this.filters.downstreamData(undefined, true);
      else this.toUpstream(EMPTY, true);
    });
    down.on('drain', () => this.upstream?.resume());
    down.on('error', () => {});
    if (proxy.idleTimeoutMs > 0) {
      // Bytes either way pass through this socket (read or written), so its inactivity is the
      // connection's.
      down.setTimeout(proxy.idleTimeoutMs, () => {
        proxy.stats.idleTimeouts.inc();
        this.closeBoth();
      });
    }
    down.once('close', () => this.downstreamClosed());
    // A filter that stops on_new_connection holds the upstream connect until the chain goes
    // on (ready) or bytes pass it.
    if (this.filters) this.filters.start();
    else this.openUpstream();
  }

  private openUpstream(): void {
    if (this.opened || this.downDone || this.closedByUs) return;
    this.opened = true;
    this.upstream = this.proxy.open(this);
    if (this.upstream === null) {
      this.upDone = true;
      this.close('no_healthy_upstream');
    }
  }

  // ---- FilterManagerSink ----
  ready(): void {
    this.openUpstream();
  }

  toUpstream(data: Buffer, end: boolean): void {
    if (!this.opened) this.openUpstream();
    const up = this.upstream;
    if (up === null) return;
    if (data.length > 0 && !up.write(data)) this.down.pause();
    if (end) up.end();
  }

  toDownstream(data: Buffer, end: boolean): void {
    const down = this.down;
    if (down.destroyed) return;
    if (data.length > 0 && !down.write(data)) this.upstream?.pause();
    if (end) down.end();
  }

  /** A filter (or a missing upstream) closes the connection: flush what is written, then go. */
  close(_details: string): void {
    this.closedByUs = true;
    this.upstreamClosedByUs = true;
    this.upstream?.destroy();
    if (!this.opened) this.upDone = true;
    this.down.destroySoon();
  }

  // ---- UpstreamEvents ----
  connected(ep: Endpoint): void {
    this.info.upstreamHost = `${ep.ip}:${ep.port}`;
  }

  data(buf: Buffer): void {
    if (this.filters) this.filters.upstreamData(buf, false);
    else this.toDownstream(buf, false);
  }

  end(): void {
    if (!this.filters) {
      this.toDownstream(EMPTY, true);
      return;
    }
    this.filters.upstreamData(undefined, true);
    // Envoy reports the upstream close at its FIN: the socket's own close may come after the
    // client side closed and the filters are gone.
    this.upstreamClosed(Peer.Remote);
  }

  drain(): void {
    this.down.resume();
  }

  closed(failure: 'connect_failure' | 'reset' | undefined): void {
    this.upDone = true;
    this.upstreamClosed(this.upstreamClosedByUs ? Peer.Local : Peer.Remote);
    if (failure !== undefined) {
      // Nothing more can reach the client intact: close it now.
      this.closedByUs = true;
      this.down.destroy();
    } else if (!this.down.destroyed) {
      this.closedByUs = true;
      this.down.destroySoon();
    }
    this.finish();
  }

  /** proxy_on_upstream_connection_close, once, while the filters are alive. */
  private upstreamClosed(peer: Peer): void {
    if (this.upCloseReported || this.downDone) return;
    this.upCloseReported = true;
    this.filters?.upstreamClosed(peer);
  }

  private closeBoth(): void {
    this.closedByUs = true;
    this.upstreamClosedByUs = true;
    this.upstream?.destroy();
    this.down.destroy();
  }

  private downstreamClosed(): void {
    this.downDone = true;
    // Envoy: the downstream close callback, then the context is done and deleted at once.
    this.filters?.downstreamClosed(this.closedByUs ? Peer.Local : Peer.Remote);
    this.filters?.destroy();
    if (!this.upDone) {
      this.upstreamClosedByUs = true;
      if (this.upstream) this.upstream.destroy();
      else this.upDone = true;
    }
    this.finish();
  }

  private finish(): void {
    if (!this.downDone || !this.upDone) return;
    this.proxy.stats.active.dec();
    this.onDone();
  }
}

const EMPTY = Buffer.alloc(0);
