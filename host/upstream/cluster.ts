/**
 * One cluster: its current endpoint set (static IPs plus whatever DNS last answered), the
 * balancer built over the healthy part of that set, passive health, and the admin view.
 * The set changes only on DNS answers and health transitions; each change rebuilds the balancer
 * once, so picking stays O(1) / O(log n) and allocation-free.
 */
import type { Cluster, Endpoint } from './contract.js';
import type { Logger } from '../observability/contract.js';
import type { ClusterSettings } from './cluster-settings.js';
import type { LoadBalancer, LoadBalancerFactory, LbSettings } from './lb/load-balancer.js';
import { EMPTY_BALANCER } from './lb/load-balancer.js';
import { UpstreamEndpoint, closePool } from './endpoint.js';
import { recordConnectFailure, recordConnected, returnExpired, type EjectionPolicy } from './passive-health.js';
import type { DnsRefresh } from './dns-refresh.js';

/** What a cluster is given by its manager (all defaulted). */
export interface ClusterDeps {
  log: Logger;
  /** Uniform random in [0, 1) for the balancers. */
  random: () => number;
  /** Clock for ejection times, ms. */
  now: () => number;
  ejection: EjectionPolicy;
  /** Bound on waiting for in-flight requests when a pool is closed. */
  closeTimeoutMs: number;
}

/**
 * The Cluster implementation. chooseEndpoint / onRequestStart / onRequestEnd run per request and
 * never throw or allocate; everything else runs on config, DNS or health events.
 */
export class UpstreamCluster implements Cluster {
  readonly name: string;
  readonly connectTimeoutMs: number;
  readonly websocketIdleMs: number;
  private readonly settings: ClusterSettings;
  private readonly lbSettings: LbSettings;
  private readonly makeBalancer: LoadBalancerFactory;
  private readonly deps: ClusterDeps;
  /** Latest addresses per configured entry: the IP itself for static entries; DNS answers else. */
  private readonly resolved: (readonly string[])[];
  private current: UpstreamEndpoint[] = [];
  private byKey = new Map<string, UpstreamEndpoint>();
  private balancer: LoadBalancer = EMPTY_BALANCER;
  private panic = false;
  /** Earliest end of a running ejection; Infinity when nothing is ejected (no clock reads). */
  private nextReturnAt = Infinity;
  /** Pools of endpoints DNS dropped, closing once their in-flight requests end. */
  private readonly draining = new Set<Promise<void>>();
  private closed = false;
  private dns: DnsRefresh | undefined;
  /** Cluster managers holding this cluster (a reload keeps unchanged clusters); closes at 0. */
  private holders = 1;

  constructor(settings: ClusterSettings, makeBalancer: LoadBalancerFactory, deps: ClusterDeps) {
    this.name = settings.name;
    this.connectTimeoutMs = settings.pool.connectTimeoutMs;
    this.websocketIdleMs = settings.websocketIdleMs;
    this.settings = settings;
    this.makeBalancer = makeBalancer;
    this.deps = deps;
    this.lbSettings = {
      random: deps.random,
      ringMinSize: settings.ringMinSize,
      ringMaxSize: settings.ringMaxSize,
      maglevTableSize: settings.maglevTableSize,
    };
    this.resolved = settings.entries.map((e) => (e.isIp ? [e.host] : []));
    this.rebuildEndpoints();
  }

  chooseEndpoint(hash: number | undefined, exclude?: Endpoint): Endpoint | null {
    if (this.nextReturnAt !== Infinity && this.deps.now() >= this.nextReturnAt) this.returnEjected();
    return this.balancer.pick(hash, exclude);
  }

  onRequestStart(ep: Endpoint): void {
    ep.activeRequests++;
    if (ep instanceof UpstreamEndpoint) ep.totalRequests++;
  }

  onRequestEnd(ep: Endpoint, outcome: 'ok' | 'connect_failure' | 'timeout' | 'reset'): void {
    if (ep.activeRequests > 0) ep.activeRequests--;
    if (!(ep instanceof UpstreamEndpoint)) return;
    if (outcome === 'connect_failure') {
      if (recordConnectFailure(ep, this.deps.now, this.deps.ejection) && this.byKey.get(ep.key) === ep) {
        this.deps.log.warn('upstream endpoint ejected after consecutive connect failures', {
          cluster: this.name, endpoint: ep.address, ip: ep.ip, port: ep.port, ejection_ms: ep.lastEjectionMs,
        });
        if (ep.ejectedUntil < this.nextReturnAt) this.nextReturnAt = ep.ejectedUntil;
        this.rebuildBalancer();
      }
    } else if (outcome === 'ok') {
      recordConnected(ep, this.deps.now);
    }
    // timeout / reset: the connection was made, so they neither count toward nor clear the
    // consecutive connect failures.
  }

  endpoints(): readonly Endpoint[] {
    return this.current;
  }

  /**
   * Sets the addresses DNS returned for configured entry `index` (static entries are fixed).
   * A change creates pools for new addresses and drains those of removed ones.
   */
  setResolved(index: number, ips: readonly string[]): void {
    if (this.closed) return;
    const prev = this.resolved[index];
    if (prev === undefined || this.settings.entries[index]!.isIp) return;
    if (prev.length === ips.length && prev.every((ip, i) => ip === ips[i])) return;
    this.resolved[index] = [...ips];
    this.deps.log.info('upstream endpoints changed after DNS refresh', {
      cluster: this.name, endpoint: this.settings.entries[index]!.address, previous: prev, current: ips,
    });
    this.rebuildEndpoints();
  }

  /** Gives the cluster its DNS refresh loop, stopped when the cluster closes. */
  attachDns(dns: DnsRefresh): void {
    this.dns = dns;
  }

  /** Another manager (after a reload) shares this cluster; each holder calls release(). */
  retain(): void {
    this.holders++;
  }

  /** Drops one holder; the last one closes the cluster. */
  release(): Promise<void> {
    this.holders--;
    return this.holders <= 0 ? this.close() : Promise.resolve();
  }

  /** Whether close() ran (a closed cluster cannot be reused by a reload). */
  isClosed(): boolean {
    return this.closed;
  }

  describe(): unknown {
    return {
      name: this.name,
      lb_policy: this.settings.lbPolicy,
      panic: this.panic,
      endpoints: this.current.map((ep) => ep.describe()),
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.dns?.stop();
    const pools = this.current.map((ep) => closePool(ep.dispatcher, this.deps.closeTimeoutMs));
    this.current = [];
    this.byKey = new Map();
    this.balancer = EMPTY_BALANCER;
    await Promise.all([...pools, ...this.draining]);
  }

  /** Recomputes the endpoint set from `resolved`, keeping endpoints (and pools) that remain. */
  private rebuildEndpoints(): void {
    const next: UpstreamEndpoint[] = [];
    const nextByKey = new Map<string, UpstreamEndpoint>();
    this.settings.entries.forEach((entry, i) => {
      for (const ip of this.resolved[i]!) {
        const key = `${entry.address}|${ip}|${entry.port}`;
        if (nextByKey.has(key)) continue;
        const ep = this.byKey.get(key) ?? new UpstreamEndpoint(entry.address, ip, entry.port, entry.weight, this.settings.pool);
        next.push(ep);
        nextByKey.set(key, ep);
      }
    });
    for (const [key, ep] of this.byKey) {
      if (nextByKey.has(key)) continue;
      // undici's close() lets queued and in-flight requests finish before the sockets go.
      const p = closePool(ep.dispatcher, this.deps.closeTimeoutMs).finally(() => this.draining.delete(p));
      this.draining.add(p);
    }
    this.current = next;
    this.byKey = nextByKey;
    this.nextReturnAt = next.reduce((m, ep) => (ep.health === 'unhealthy' && ep.ejectedUntil < m ? ep.ejectedUntil : m), Infinity);
    this.rebuildBalancer();
  }

  private returnEjected(): void {
    const r = returnExpired(this.current, this.deps.now());
    this.nextReturnAt = r.next;
    if (r.changed) this.rebuildBalancer();
  }

  /** Balancer over healthy endpoints; over all of them when none is healthy (Envoy's panic mode). */
  private rebuildBalancer(): void {
    const healthy = this.current.filter((ep) => ep.health === 'healthy');
    const panic = healthy.length === 0 && this.current.length > 0;
    if (panic && !this.panic) {
      this.deps.log.warn('every endpoint of the cluster is unhealthy; balancing over all (panic mode)', { cluster: this.name });
    }
    this.panic = panic;
    const set = panic ? this.current : healthy;
    this.balancer = set.length === 0 ? EMPTY_BALANCER : this.makeBalancer(set, this.lbSettings);
  }
}
