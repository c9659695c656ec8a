/**
 * tcp_proxy's upstream side: picks an endpoint with the cluster's load balancer, connects with
 * a plain net.connect (no HTTP pool) under the cluster's connect_timeout, and reports bytes,
 * end and close to the connection session that owns it.
 */
import { connect, type Socket } from 'node:net';
import { durationMs } from '../config/duration.js';
import type { TcpProxyConfig } from '../config/types.js';
import type { Cluster, Endpoint } from '../upstream/contract.js';
import type { TcpProxyStats } from './tcp-metrics.js';

/** What the session hears from the upstream connection. */
export interface UpstreamEvents {
  connected(ep: Endpoint): void;
  data(buf: Buffer): void;
  /** The upstream half-closed (FIN). */
  end(): void;
  /** The upstream connection is gone; `failure` when it never connected or broke. */
  closed(failure: 'connect_failure' | 'reset' | undefined): void;
  /** The upstream drained after a write returned false. */
  drain(): void;
}

/** One tcp_proxy config bound to its cluster and stats, built once per chain. */
export class TcpProxyFactory {
  readonly idleTimeoutMs: number;

  constructor(readonly cluster: Cluster, cfg: TcpProxyConfig, readonly stats: TcpProxyStats) {
    this.idleTimeoutMs = durationMs(cfg.idle_timeout, 3_600_000);
  }

  /** Connects to an endpoint; null when the cluster has none (the caller closes downstream). */
  open(events: UpstreamEvents, hash?: number): TcpUpstream | null {
    const ep = this.cluster.chooseEndpoint(hash);
    if (ep === null) {
      this.stats.connectFailures.inc();
      return null;
    }
    return new TcpUpstream(this, ep, events);
  }
}

/** One upstream connection of tcp_proxy. */
export class TcpUpstream {
  readonly socket: Socket;
  private connected = false;
  private ended = false;

  constructor(private readonly f: TcpProxyFactory, readonly endpoint: Endpoint, private readonly events: UpstreamEvents) {
    const cluster = f.cluster;
    cluster.onRequestStart(endpoint);
    const s = connect({ host: endpoint.ip, port: endpoint.port, allowHalfOpen: true, noDelay: true });
    this.socket = s;
    const connectTimer = setTimeout(() => s.destroy(new Error('connect timeout')), cluster.connectTimeoutMs);
    s.once('connect', () => {
      clearTimeout(connectTimer);
      this.connected = true;
      events.connected(endpoint);
    });
    s.on('data', (buf: Buffer) => {
      f.stats.bytesDownstream.inc(buf.length);
      events.data(buf);
    });
    s.on('end', () => events.end());
    s.on('drain', () => events.drain());
    s.on('error', () => {});
    s.once('close', (hadError) => {
      clearTimeout(connectTimer);
      const failure = !this.connected ? 'connect_failure' : hadError ? 'reset' : undefined;
      if (failure === 'connect_failure') f.stats.connectFailures.inc();
      cluster.onRequestEnd(endpoint, failure ?? 'ok');
      events.closed(failure);
    });
  }

  /** Bytes towards the upstream; false when it is backed up (wait for drain). */
  write(buf: Buffer): boolean {
    if (buf.length === 0 || this.socket.destroyed) return true;
    this.f.stats.bytesUpstream.inc(buf.length);
    return this.socket.write(buf);
  }

  /** Half-closes towards the upstream (the client sent FIN). */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.socket.end();
  }

  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  destroy(): void {
    this.socket.destroy();
  }
}
