/**
 * Per-route filter `configuration` overrides, started when a chain is built and kept for the
 * streams of their routes. Started lazily at a route's first request instead, one whose
 * proxy_on_configure fails would answer every request on that route with the failure policy
 * (503 under fail_closed): a config or module that does that is refused at load instead, with
 * the override's `path: message`.
 */
import type { RouteConfig, RouteFilterOverride } from '../config/types.js';
import type { HttpFilterChain } from '../filter/contract.js';
import { WasmFilterChain } from '../filter/build.js';

interface OverrideAt {
  filter: string;
  configuration: string | Record<string, unknown>;
  path: string;
}

/** Overrides with a configuration that `rc` applies (route's own entry over its virtual host's). */
function overridesOf(rc: RouteConfig, rcPath: string): OverrideAt[] {
  const out: OverrideAt[] = [];
  const add = (filters: Record<string, RouteFilterOverride> | undefined, at: string, skip: (name: string) => boolean): void => {
    for (const [filter, o] of Object.entries(filters ?? {})) {
      if (skip(filter) || o.disabled === true || o.configuration === undefined) continue;
      out.push({ filter, configuration: o.configuration, path: `${at}.filters.${filter}.configuration` });
    }
  };
  rc.virtual_hosts.forEach((vh, v) => {
    const vhPath = `${rcPath}.virtual_hosts[${v}]`;
    // A virtual host's override counts only if some route does not replace it.
    add(vh.filters, vhPath, (name) => vh.routes.length > 0 && vh.routes.every((r) => r.filters?.[name] !== undefined));
    vh.routes.forEach((r, k) => add(r.filters, `${vhPath}.routes[${k}]`, () => false));
  });
  return out;
}

/**
 * Starts each distinct override of `rc` for the filters of `chain`, which keeps them for its
 * streams. Throws `<path>: <reason>` at the first that fails to start or configure.
 */
export function checkRouteOverrides(chain: HttpFilterChain | undefined, rc: RouteConfig | undefined, rcPath: string): void {
  if (!(chain instanceof WasmFilterChain) || rc === undefined) return;
  for (const o of overridesOf(rc, rcPath)) {
    try {
      chain.startOverride(o.filter, o.configuration);
    } catch (err) {
      throw new Error(`${o.path}: ${(err as Error).message}`);
    }
  }
}
