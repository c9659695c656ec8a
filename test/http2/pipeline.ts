/**
 * A listener's HTTP pipeline without the listener: config parsed and validated as `sluice run`
 * does, then router, clusters, metrics and (when the listener has http_filters) the wasm filter
 * chain built into the snapshot the connection manager reads, behind a minimal listener context.
 * The codec tests feed connections to it through their own net / tls servers, so they do not
 * depend on how listeners are wired.
 */
import type { TestContext } from 'node:test';
import { Registry } from 'prom-client';
import { parseConfigText } from '../../host/config/load.js';
import type { HttpListenerContext, ListenerSnapshot } from '../../host/http/context.js';
import { buildFilterChain } from '../../host/gateway/filter-chains.js';
import { createAccessLog } from '../../host/observability/access-log.js';
import { createLogger } from '../../host/observability/logger.js';
import { createGatewayMetrics } from '../../host/observability/metrics.js';
import { buildRouter } from '../../host/router/build.js';
import { createClusterManager } from '../../host/upstream/cluster-manager.js';

export interface Pipeline {
  ctx: HttpListenerContext & { snapshot: ListenerSnapshot; active: number };
  logs: string[];
}

/**
 * Builds the first listener's pipeline from `config` (a full Sluice config object). `logLevel`
 * 'info' keeps what wasm filters log with proxy_log (at info) in `logs`.
 */
export async function startPipeline(t: TestContext, config: Record<string, unknown>, logLevel: 'warn' | 'info' = 'warn'): Promise<Pipeline> {
  const logs: string[] = [];
  const log = createLogger({ level: logLevel, write: (l) => logs.push(l) });
  const loaded = parseConfigText(JSON.stringify(config), { format: 'json', baseDir: process.cwd() });
  const c = loaded.config;
  const l = c.listeners[0]!;
  const rc = (c.route_configs ?? []).find((r) => r.name === l.route_config)!;
  const clusters = await createClusterManager(c.clusters ?? [], { log, baseDir: loaded.baseDir });
  t.after(() => clusters.close());
  const registry = new Registry();
  const filterChain = await buildFilterChain(l.http_filters, {
    baseDir: loaded.baseDir,
    listenerName: l.name,
    clusters,
    log,
    registry,
    bufferLimitBytes: 1024 * 1024,
  });
  if (filterChain !== undefined) t.after(() => filterChain.close());
  const snapshot: ListenerSnapshot = {
    router: buildRouter(rc),
    clusters,
    filterChain,
    accessLog: createAccessLog(undefined, { log }),
    metrics: createGatewayMetrics(registry, { defaultMetrics: false }),
    bufferLimitBytes: 1024 * 1024,
    random: Math.random,
    log,
  };
  const ctx = {
    name: l.name,
    scheme: 'http' as const,
    snapshot,
    draining: false,
    log,
    active: 0,
    streamStarted() {
      ctx.active++;
    },
    streamEnded() {
      ctx.active--;
    },
  };
  return { ctx, logs };
}
