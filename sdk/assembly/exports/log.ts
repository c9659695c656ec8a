/**
 * The access-log callback. Export it from a filter that overrides `onLog`; without the export the
 * host skips the call at the end of every stream.
 */
import { BaseContext } from "../context/base";
import { httpContexts, roots, tcpContexts } from "../context/registry";

function anyOf(id: u32): BaseContext | null {
  if (httpContexts.has(id)) return httpContexts.get(id);
  if (tcpContexts.has(id)) return tcpContexts.get(id);
  if (roots.has(id)) return roots.get(id);
  return null;
}

/** Access-log time for a stream. */
export function proxy_on_log(contextId: u32): void {
  const ctx = anyOf(contextId);
  if (ctx !== null) ctx.onLog();
}

