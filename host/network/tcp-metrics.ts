/**
 * Metrics of the connection layer: tcp_proxy connections and bytes per cluster, TLS handshake
 * failures and connections closed by network filters, per listener. Registered on the
 * gateway's registry (reused when already there: a second gateway or a reload).
 */
import { Counter, Gauge, type Registry } from 'prom-client';

type CounterChild = ReturnType<Counter<string>['labels']>;
type GaugeChild = ReturnType<Gauge<string>['labels']>;

/** Label children of one tcp_proxy (listener, cluster), resolved once when the chain is built. */
export interface TcpProxyStats {
  connections: CounterChild;
  active: GaugeChild;
  connectFailures: CounterChild;
  idleTimeouts: CounterChild;
  bytesUpstream: CounterChild;
  bytesDownstream: CounterChild;
}

/** Connection-layer metrics on one registry. */
export class NetworkMetrics {
  private readonly connections: Counter<string>;
  private readonly active: Gauge<string>;
  private readonly connectFailures: Counter<string>;
  private readonly idleTimeouts: Counter<string>;
  private readonly bytes: Counter<string>;
  private readonly tlsFailures: Counter<string>;

  constructor(registry: Registry) {
    const registers = [registry];
    const reuse = <T>(name: string, make: () => T): T => (registry.getSingleMetric(name) as T | undefined) ?? make();
    this.connections = reuse('sluice_tcp_proxy_connections_total', () => new Counter({
      name: 'sluice_tcp_proxy_connections_total', help: 'Connections proxied by tcp_proxy', labelNames: ['listener', 'cluster'], registers,
    }));
    this.active = reuse('sluice_tcp_proxy_active_connections', () => new Gauge({
      name: 'sluice_tcp_proxy_active_connections', help: 'tcp_proxy connections open now', labelNames: ['listener', 'cluster'], registers,
    }));
    this.connectFailures = reuse('sluice_tcp_proxy_connect_failures_total', () => new Counter({
      name: 'sluice_tcp_proxy_connect_failures_total', help: 'tcp_proxy upstream connects that failed or timed out',
      labelNames: ['listener', 'cluster'], registers,
    }));
    this.idleTimeouts = reuse('sluice_tcp_proxy_idle_timeouts_total', () => new Counter({
      name: 'sluice_tcp_proxy_idle_timeouts_total', help: 'tcp_proxy connections closed by idle_timeout', labelNames: ['listener', 'cluster'], registers,
    }));
    this.bytes = reuse('sluice_tcp_proxy_bytes_total', () => new Counter({
      name: 'sluice_tcp_proxy_bytes_total', help: 'Bytes proxied by tcp_proxy (direction: upstream = client to cluster)',
      labelNames: ['listener', 'cluster', 'direction'], registers,
    }));
    this.tlsFailures = reuse('sluice_tls_handshake_failures_total', () => new Counter({
      name: 'sluice_tls_handshake_failures_total', help: 'Downstream TLS handshakes that failed or timed out', labelNames: ['listener'], registers,
    }));
  }

  tcpProxy(listener: string, cluster: string): TcpProxyStats {
    const l = { listener, cluster };
    return {
      connections: this.connections.labels(l),
      active: this.active.labels(l),
      connectFailures: this.connectFailures.labels(l),
      idleTimeouts: this.idleTimeouts.labels(l),
      bytesUpstream: this.bytes.labels({ ...l, direction: 'upstream' }),
      bytesDownstream: this.bytes.labels({ ...l, direction: 'downstream' }),
    };
  }

  tlsFailure(listener: string): CounterChild {
    return this.tlsFailures.labels({ listener });
  }
}
