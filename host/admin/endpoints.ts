/**
 * The built-in admin endpoints, as a route table the server dispatches on. Later endpoints
 * (PUT /filters/{name}, POST /config) are more entries, passed to startAdminServer as `routes`.
 */
import type { Registry } from 'prom-client';
import type { AdminResponse, AdminRoute, AdminView } from './contract.js';

const TEXT = 'text/plain; charset=utf-8';
const JSON_TYPE = 'application/json; charset=utf-8';

/** A pretty-printed JSON response (operators read these with curl). */
export function jsonResponse(value: unknown, status = 200): AdminResponse {
  return { status, contentType: JSON_TYPE, body: JSON.stringify(value ?? null, null, 2) + '\n' };
}

/** A plain-text response; a trailing newline is added when missing so curl output ends cleanly. */
export function textResponse(text: string, status = 200): AdminResponse {
  return { status, contentType: TEXT, body: text.endsWith('\n') ? text : text + '\n' };
}

/** GET /ready, /stats/prometheus, /config_dump, /clusters, /filters over `view` and `registry`. */
export function builtinAdminRoutes(view: AdminView, registry: Registry): AdminRoute[] {
  return [
    {
      method: 'GET',
      path: '/ready',
      help: '200 LIVE when every listener is bound and the gateway is not draining, else 503',
      handler: () => (view.ready() ? textResponse('LIVE', 200) : textResponse('NOT READY', 503)),
    },
    {
      method: 'GET',
      path: '/stats/prometheus',
      help: 'metrics in the Prometheus text format',
      handler: async () => ({ status: 200, contentType: registry.contentType, body: await registry.metrics() }),
    },
    {
      method: 'GET',
      path: '/config_dump',
      help: 'the effective config with its version (hash, loaded_at, last error)',
      handler: () => jsonResponse(view.configDump()),
    },
    {
      method: 'GET',
      path: '/clusters',
      help: 'clusters, their endpoints and endpoint state',
      handler: () => jsonResponse(view.clusters()),
    },
    {
      method: 'GET',
      path: '/filters',
      help: 'wasm filters: module sha256, ABI version, VMs, traps',
      handler: () => jsonResponse(view.filters()),
    },
  ];
}

/** GET /: one line per endpoint of `routes` (itself included). */
export function indexRoute(routes: () => readonly AdminRoute[]): AdminRoute {
  return {
    method: 'GET',
    path: '/',
    help: 'this list',
    handler: () => {
      const all = routes();
      const width = Math.max(...all.map((r) => r.method.length + r.path.length + 1));
      const lines = all.map((r) => `${`${r.method} ${r.path}`.padEnd(width)}  ${r.help}`);
      return textResponse(['Sluice admin endpoints:', ...lines].join('\n'));
    },
  };
}
