/**
 * Builds every configured cluster: validates and defaults its config, creates its endpoints
 * and pools, resolves hostnames and starts their refresh. The entry point of host/upstream.
 */
import type { ClusterConfig } from '../config/types.js';
import type { Logger } from '../observability/contract.js';
import type { Cluster, ClusterManager } from './contract.js';
import { ClusterConfigError, clusterSettings } from './cluster-settings.js';
import { UpstreamCluster, type ClusterDeps } from './cluster.js';
import { balancerFactory } from './lb/policies.js';
import { DEFAULT_EJECTION_POLICY, type EjectionPolicy } from './passive-health.js';
import { startDnsRefresh } from './dns-refresh.js';

export interface ClusterManagerDeps {
  log: Logger;
  /** Uniform random in [0, 1) for random / least_request / hash fallbacks. Default Math.random. */
  random?: () => number;
  /** Resolves a hostname to IP addresses. Default: dns.promises.lookup(host, { all: true }). */
  resolve?: (host: string) => Promise<string[]>;
  /** Clock for passive-health ejections, ms. Default Date.now. */
  now?: () => number;
  /** Passive health settings. Default: 3 consecutive connect failures, 10s doubling to 5 min. */
  ejection?: Partial<EjectionPolicy>;
  /** How long closing a pool may wait for in-flight requests before destroying it. Default 15s. */
  closeTimeoutMs?: number;
  /** How long start may wait for the first DNS answers. Default 5s; later answers still apply. */
  initialResolveTimeoutMs?: number;
  /**
   * The manager of the config being replaced (reload). Clusters whose config is unchanged are
   * shared instead of rebuilt, keeping their pools, DNS state and health; closing either
   * manager leaves them open until the other one is closed too.
   */
  previous?: ClusterManager;
  /** Folder relative TLS file paths (clusters[].tls.*_file) are read from. Default process.cwd(). */
  baseDir?: string;
}

/** A cluster with the config it was built from, to tell on reload whether it changed. */
interface Held {
  cluster: UpstreamCluster;
  configKey: string;
}

/** JSON with object keys sorted, so equal configs compare equal whatever their key order. */
function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

class Manager implements ClusterManager {
  readonly held: ReadonlyMap<string, Held>;
  private readonly list: readonly UpstreamCluster[];
  private closing: Promise<void> | undefined;

  constructor(held: Held[]) {
    this.held = new Map(held.map((h) => [h.cluster.name, h]));
    this.list = held.map((h) => h.cluster);
  }

  get(name: string): Cluster | undefined {
    return this.held.get(name)?.cluster;
  }

  all(): readonly Cluster[] {
    return this.list;
  }

  close(): Promise<void> {
    this.closing ??= Promise.all(this.list.map((c) => c.release())).then(() => undefined);
    return this.closing;
  }
}

/**
 * Creates the cluster manager. Rejects with a ClusterConfigError ("clusters[i].key: problem")
 * on invalid config, before any pool or timer exists. Resolves once every hostname had its
 * first answer (or the initial timeout passed); a hostname that does not resolve leaves its
 * cluster without those endpoints (503 UH) while it keeps retrying.
 */
export async function createClusterManager(configs: readonly ClusterConfig[], deps: ClusterManagerDeps): Promise<ClusterManager> {
  const names = new Set<string>();
  const settings = configs.map((c, i) => {
    const path = `clusters[${i}]`;
    if (typeof c.name !== 'string' || c.name.length === 0) throw new ClusterConfigError(`${path}.name: required`);
    if (names.has(c.name)) throw new ClusterConfigError(`${path}.name: duplicate cluster "${c.name}"`);
    names.add(c.name);
    return clusterSettings(c, path, deps.baseDir);
  });
  const clusterDeps: ClusterDeps = {
    log: deps.log,
    random: deps.random ?? Math.random,
    now: deps.now ?? Date.now,
    ejection: { ...DEFAULT_EJECTION_POLICY, ...deps.ejection },
    closeTimeoutMs: deps.closeTimeoutMs ?? 15_000,
  };
  const previous = deps.previous instanceof Manager ? deps.previous.held : undefined;
  const firstAnswers: Promise<void>[] = [];
  const held = settings.map((s, i): Held => {
    const configKey = canonicalJson(configs[i]);
    const old = previous?.get(s.name);
    if (old && old.configKey === configKey && !old.cluster.isClosed()) {
      old.cluster.retain();
      return old;
    }
    const cluster = new UpstreamCluster(s, balancerFactory(s.lbPolicy), clusterDeps);
    const dns = startDnsRefresh(s, cluster, { log: deps.log, resolve: deps.resolve });
    if (dns) {
      cluster.attachDns(dns);
      firstAnswers.push(dns.firstAnswer(deps.initialResolveTimeoutMs ?? 5000));
    }
    return { cluster, configKey };
  });
  await Promise.all(firstAnswers);
  return new Manager(held);
}
