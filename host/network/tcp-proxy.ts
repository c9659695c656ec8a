/**
 * tcp_proxy's upstream side: picks an endpoint with the cluster's load balancer, connects with
 * a plain net.connect (no HTTP pool) under the cluster's connect_timeout, and reports bytes,
 * end and close to the connection session that owns it.
 */
import { connect, type Socket } from 'node:net';
import { durationMs } from '../config/duration.js';
import type { TcpProxyConfig } from '../config/types.js';
import type { Cluster, ClusterManager, Endpoint } from '../upstream/contract.js';
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

/**
 * One tcp_proxy config and its stats, built once per chain. The cluster is looked up by name in
 * the current config's clusters on every connection: a listener kept across a reload must not
 * connect through the previous config's cluster (closed once that config drained).
 */
export class TcpProxyFactory {
  readonly idleTimeoutMs: number;
  readonly clusterName: string;

  constructor(private readonly clusters: ClusterManager, cfg: TcpProxyConfig, readonly stats: TcpProxyStats) {
    this.clusterName = cfg.cluster;
    this.idleTimeoutMs = durationMs(cfg.idle_timeout, 3_600_000);
  }

  /** Connects to an endpoint; null when the cluster is gone or has none (the caller closes downstream). */
  open(events: UpstreamEvents, hash?: number): TcpUpstream | null {
    const cluster = this.clusters.get(this.clusterName);
    const ep = cluster?.chooseEndpoint(hash) ?? null;
    if (cluster === undefined || ep === null) {
      this.stats.connectFailures.inc();
      return null;
    }
    return new TcpUpstream(this, cluster, ep, events);
  }
}

/** One upstream connection of tcp_proxy. */
export class TcpUpstream {
  readonly socket: Socket;
  private connected = false;
  private ended = false;

  constructor(private readonly f: TcpProxyFactory, cluster: Cluster, readonly endpoint: Endpoint, events: UpstreamEvents) {
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
