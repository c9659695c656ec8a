/**
 * Exports every filter needs: the ABI 0.2.1 marker, the allocator, context lifecycle, root
 * callbacks (configure, tick, queue) and http_call answers. (`proxy_on_log` is in exports/log:
 * a filter that does not override onLog saves a call per stream by not exporting it.) Callbacks for unknown ids do
 * nothing, rather than trapping as other SDKs do: a host bug must not take the VM down.
 */
// Parsed for its handlers, which the asconfig `use` entries point abort/trace at.
import "../abort";
import { proxy_set_effective_context } from "../abi/imports";
import { allocateForHost, fromUtf8 } from "../abi/memory";
import { getProperty } from "../api/properties";
import { log } from "../api/log";
import { HttpCallResponse } from "../api/http-call";
import { RootContext } from "../context/root";
import { HttpContext } from "../context/http";
import { BaseContext } from "../context/base";
import { dropCallsOf, findRegistration, httpContexts, roots, takeCall, tcpContexts } from "../context/registry";

function rootOf(id: u32): RootContext | null {
  return roots.has(id) ? roots.get(id) : null;
}

function anyOf(id: u32): BaseContext | null {
  if (httpContexts.has(id)) return httpContexts.get(id);
  if (roots.has(id)) return roots.get(id);
  if (tcpContexts.has(id)) return tcpContexts.get(id);
  return null;
}

/** ABI version marker (never called). */
export function proxy_abi_version_0_2_1(): void {}

/** The host's allocator for data it hands to the guest (see abi/memory.ts for ownership). */
export function proxy_on_memory_allocate(size: usize): usize {
  return allocateForHost(size);
}

/** A root (parent 0) or stream context is created. */
export function proxy_on_context_create(contextId: u32, parentId: u32): void {
  if (parentId == 0) {
    const idBytes = getProperty("plugin_root_id");
    const rootId = idBytes === null ? "" : fromUtf8(idBytes);
    const reg = findRegistration(rootId);
    let root: RootContext;
    if (reg === null) {
      log.warn("no root registered for root_id '" + rootId + "': the filter passes everything through");
      root = new RootContext(contextId);
    } else {
      root = reg.factory(contextId);
    }
    root.rootId = rootId;
    roots.set(contextId, root);
    return;
  }
  const root = rootOf(parentId);
  if (root === null) return;
  const http = root.newHttpContext(contextId);
  if (http !== null) {
    httpContexts.set(contextId, http);
    return;
  }
  const tcp = root.newTcpContext(contextId);
  if (tcp !== null) {
    tcpContexts.set(contextId, tcp);
    return;
  }
  httpContexts.set(contextId, new HttpContext(contextId, root));
}

/** VM start for a root. */
export function proxy_on_vm_start(rootId: u32, vmConfigurationSize: u32): u32 {
  const root = rootOf(rootId);
  return root === null || root.onVmStart(vmConfigurationSize) ? 1 : 0;
}

/** Configuration check (C++-SDK extension): accepted here, judged in onConfigure. */
export function proxy_validate_configuration(rootId: u32, configurationSize: u32): u32 {
  return 1;
}

/** Plugin (re)configuration. */
export function proxy_on_configure(rootId: u32, configurationSize: u32): u32 {
  const root = rootOf(rootId);
  return root === null || root.onConfigure(configurationSize) ? 1 : 0;
}

/** Tick of a root. */
export function proxy_on_tick(rootId: u32): void {
  const root = rootOf(rootId);
  if (root !== null) root.onTick();
}

/** A queue registered by this root has data. */
export function proxy_on_queue_ready(rootId: u32, queueId: u32): void {
  const root = rootOf(rootId);
  if (root !== null) root.onQueueReady(queueId);
}

/** An http_call answer (or failure: headerCount 0) for a call made by any context. */
export function proxy_on_http_call_response(rootId: u32, token: u32, headerCount: u32, bodySize: u32, trailerCount: u32): void {
  const call = takeCall(token);
  if (call === null) return;
  const origin = call.origin;
  // The answer belongs to the context that asked: make later hostcalls act on its stream.
  proxy_set_effective_context(origin.contextId);
  const response = new HttpCallResponse(token, headerCount, bodySize, trailerCount);
  const cb = call.callback;
  if (cb === null) origin.onHttpCallResponse(token, response);
  else cb(origin, response);
}

/** End of a context's life (return false to defer a root's shutdown). */
export function proxy_on_done(contextId: u32): u32 {
  const ctx = anyOf(contextId);
  return ctx === null || ctx.onDone() ? 1 : 0;
}

/** The context is gone: forget it so its memory is collected. */
export function proxy_on_delete(contextId: u32): void {
  const ctx = anyOf(contextId);
  if (ctx === null) return;
  ctx.onDelete();
  dropCallsOf(ctx);
  httpContexts.delete(contextId);
  tcpContexts.delete(contextId);
  roots.delete(contextId);
}
