/**
 * The VM's table of live contexts and root factories. This is the one piece of module-level
 * state in the SDK: a proxy-wasm VM *is* this table, the host addresses contexts by id.
 * Entries are removed at `proxy_on_delete`, so the tables hold only live streams.
 */
import { BaseContext, HttpCallCallback } from "./base";
import { GrpcCallCallback, GrpcStreamHandler } from "./grpc";
import { RootContext } from "./root";
import { HttpContext } from "./http";
import { TcpContext } from "./tcp";

/** Builds the root context for one plugin. `contextId` is the host's id for it. */
export type RootFactory = (contextId: u32) => RootContext;

/** One `registerRoot` call. */
export class RootRegistration {
  /** Creates a registration. */
  constructor(public rootId: string, public factory: RootFactory) {}
}

/** An http_call waiting for its answer. */
export class PendingCall {
  /** Creates a pending call record. */
  constructor(public origin: BaseContext, public callback: HttpCallCallback | null) {}
}

/** A gRPC call (handler null) or stream (callback null) waiting for events. */
export class PendingGrpc {
  /** Creates a pending gRPC record. */
  constructor(public origin: BaseContext, public callback: GrpcCallCallback | null, public handler: GrpcStreamHandler | null) {}
}

/** Registered root factories, in registration order. */
export const registrations = new Array<RootRegistration>();
/** Live root contexts by id. */
export const roots = new Map<u32, RootContext>();
/** Live HTTP stream contexts by id. */
export const httpContexts = new Map<u32, HttpContext>();
/** Live TCP stream contexts by id. */
export const tcpContexts = new Map<u32, TcpContext>();
/** Outstanding http_calls by token. */
export const pendingCalls = new Map<u32, PendingCall>();
/** Open gRPC calls and streams by token. */
export const pendingGrpc = new Map<u32, PendingGrpc>();

/**
 * Registers the root context factory for plugins configured with `root_id` equal to `rootId`.
 * Call once per root id at the top level of your filter's index.ts:
 * `registerRoot("my-filter", (id) => new MyRoot(id))`. When the host's root id matches no
 * registration and there is exactly one, that one is used (so `root_id` may be omitted).
 */
export function registerRoot(rootId: string, factory: RootFactory): void {
  for (let i = 0; i < registrations.length; i++) {
    if (unchecked(registrations[i]).rootId == rootId) {
      unchecked(registrations[i]).factory = factory;
      return;
    }
  }
  registrations.push(new RootRegistration(rootId, factory));
}

/** The factory for `rootId`: exact match, else the only registration, else the "" one. */
export function findRegistration(rootId: string): RootRegistration | null {
  let fallback: RootRegistration | null = null;
  for (let i = 0; i < registrations.length; i++) {
    const r = unchecked(registrations[i]);
    if (r.rootId == rootId) return r;
    if (r.rootId == "") fallback = r;
  }
  if (registrations.length == 1) return unchecked(registrations[0]);
  return fallback;
}

/** Records an outstanding http_call. */
export function trackCall(token: u32, origin: BaseContext, callback: HttpCallCallback | null): void {
  pendingCalls.set(token, new PendingCall(origin, callback));
  origin.pendingCalls++;
}

/** Removes and returns the pending call for `token`, or null. */
export function takeCall(token: u32): PendingCall | null {
  if (!pendingCalls.has(token)) return null;
  const call = pendingCalls.get(token);
  pendingCalls.delete(token);
  call.origin.pendingCalls--;
  return call;
}

/** Records an open gRPC call or stream. */
export function trackGrpc(token: u32, origin: BaseContext, callback: GrpcCallCallback | null, handler: GrpcStreamHandler | null): void {
  pendingGrpc.set(token, new PendingGrpc(origin, callback, handler));
  origin.pendingCalls++;
}

/** The open gRPC call or stream for `token`, or null. */
export function findGrpc(token: u32): PendingGrpc | null {
  return pendingGrpc.has(token) ? pendingGrpc.get(token) : null;
}

/** Removes and returns the open gRPC call or stream for `token`, or null. */
export function takeGrpc(token: u32): PendingGrpc | null {
  if (!pendingGrpc.has(token)) return null;
  const call = pendingGrpc.get(token);
  pendingGrpc.delete(token);
  call.origin.pendingCalls--;
  return call;
}

/** Forgets the pending http_calls and gRPC callouts of a deleted context (the host cancels them). */
export function dropCallsOf(ctx: BaseContext): void {
  if (ctx.pendingCalls <= 0) return;
  const tokens = pendingCalls.keys();
  for (let i = 0; i < tokens.length; i++) {
    const t = unchecked(tokens[i]);
    if (pendingCalls.get(t).origin.contextId == ctx.contextId) pendingCalls.delete(t);
  }
  const grpc = pendingGrpc.keys();
  for (let i = 0; i < grpc.length; i++) {
    const t = unchecked(grpc[i]);
    if (pendingGrpc.get(t).origin.contextId == ctx.contextId) pendingGrpc.delete(t);
  }
  ctx.pendingCalls = 0;
}

/** The live HTTP context with `id`, or null (e.g. a root finding a stream it paused). */
export function httpContextOf(id: u32): HttpContext | null {
  return httpContexts.has(id) ? httpContexts.get(id) : null;
}

/** The live TCP context with `id`, or null. */
export function tcpContextOf(id: u32): TcpContext | null {
  return tcpContexts.has(id) ? tcpContexts.get(id) : null;
}
