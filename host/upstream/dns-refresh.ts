/**
 * Resolves the hostname endpoints of a cluster at start and again every dns_refresh_rate.
 * Every address in an answer becomes an endpoint with the entry's weight. A failed lookup keeps
 * the last good addresses (none at start: the cluster answers 503 UH until one succeeds).
 */
import { promises as dnsPromises } from 'node:dns';
import type { Logger } from '../observability/contract.js';
import type { ClusterSettings } from './cluster-settings.js';
import type { UpstreamCluster } from './cluster.js';

export interface DnsRefreshDeps {
  log: Logger;
  resolve?: ((host: string) => Promise<string[]>) | undefined;
}

/** A running refresh loop for one cluster. */
export interface DnsRefresh {
  /** Resolves when the first round finished, or after `timeoutMs` (the round still applies later). */
  firstAnswer(timeoutMs: number): Promise<void>;
  /** Runs one round now (tests, admin); resolves when its answers are applied. */
  refreshNow(): Promise<void>;
  /** Stops the timer; an answer arriving afterwards is dropped. */
  stop(): void;
}

/** Bound on one lookup, so a stuck resolver cannot stop the refresh loop. */
const LOOKUP_TIMEOUT_MS = 10_000;

async function systemResolve(host: string): Promise<string[]> {
  const answers = await dnsPromises.lookup(host, { all: true });
  return answers.map((a) => a.address);
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`lookup timed out after ${ms}ms`)), ms);
    timer.unref();
  });
  return Promise.race([p, expired]).finally(() => clearTimeout(timer));
}

/** Starts resolving `settings`' hostname entries into `cluster`; undefined when all are IPs. */
export function startDnsRefresh(settings: ClusterSettings, cluster: UpstreamCluster, deps: DnsRefreshDeps): DnsRefresh | undefined {
  const hostEntries = settings.entries.map((e, i) => ({ e, i })).filter(({ e }) => !e.isIp);
  if (hostEntries.length === 0) return undefined;
  const resolve = deps.resolve ?? systemResolve;
  const log = deps.log;
  /** Hosts whose last lookup failed, so a failure streak warns once, not every round. */
  const failing = new Set<string>();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  const resolveOne = async (host: string, everResolved: boolean): Promise<string[] | undefined> => {
    try {
      const ips = await withTimeout(resolve(host), LOOKUP_TIMEOUT_MS);
      if (ips.length === 0) throw new Error('no addresses');
      // Sorted and unique so a resolver that rotates its answers does not churn pools.
      const unique = [...new Set(ips)].sort();
      if (failing.delete(host)) log.info('upstream hostname resolves again', { cluster: settings.name, host, addresses: unique });
      return unique;
    } catch (err) {
      const first = !failing.has(host);
      failing.add(host);
      const fields = { cluster: settings.name, host, error: err instanceof Error ? err.message : String(err) };
      if (!everResolved && first) log.warn('upstream hostname did not resolve; no endpoints for it yet, retrying', fields);
      else if (first) log.warn('upstream hostname re-resolution failed; keeping the last addresses', fields);
      else log.debug('upstream hostname still does not resolve', fields);
      return undefined;
    }
  };

  const resolvedOnce = new Set<string>();
  const round = async (): Promise<void> => {
    // One lookup per distinct host per round, shared by the entries that name it.
    const hosts = [...new Set(hostEntries.map(({ e }) => e.host))];
    const answers = await Promise.all(hosts.map((h) => resolveOne(h, resolvedOnce.has(h))));
    if (stopped) return;
    hosts.forEach((h, k) => {
      const ips = answers[k];
      if (ips === undefined) return;
      resolvedOnce.add(h);
      for (const { e, i } of hostEntries) if (e.host === h) cluster.setResolved(i, ips);
    });
  };

  const runRound = (): Promise<void> => {
    // Rounds never overlap: a slow lookup delays the next round instead of stacking up.
    running ??= round().finally(() => {
      running = undefined;
      schedule();
    });
    return running;
  };

  const schedule = (): void => {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(runRound, settings.dnsRefreshMs);
    timer.unref();
  };

  const first = runRound();
  return {
    firstAnswer(timeoutMs) {
      return withTimeout(first, timeoutMs).catch(() => undefined);
    },
    refreshNow: runRound,
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
