/**
 * The state host functions work on: the VM-wide HostEnv, its root context (one per plugin) and
 * stream contexts (one per request). A stream context reaches its request only through the
 * StreamHost the filter layer implements, so this layer needs no sockets (the SDK test harness
 * drives it in-process).
 */
import type { HeaderMap } from '../http/header-map.js';
import type { StreamInfo } from '../http/stream-info.js';
import type { Logger } from '../observability/contract.js';
import type { Route } from '../router/contract.js';
import type { AbiVersion, StreamType, WasmResult } from './abi.js';
import type { ContextTable } from './context-table.js';
import type { GuestMemory } from './memory.js';
import type { HostServices } from './services.js';

/** A body buffer a filter may read and replace (the filter layer reads `buf` back afterwards). */
export interface BodyRef {
  buf: Buffer;
  /** Byte length (without concatenating chunks, which `buf` may do). */
  readonly length: number;
  /** Set when the filter changed the bytes (content-length fix-up). */
  modified: boolean;
}

/** What a stream context needs from the request it belongs to. Implemented by the filter layer. */
export interface StreamHost {
  readonly info: StreamInfo;
  /** Current route (route_name / cluster_name properties), or null. */
  route(): Route | null;
  /**
   * Header/trailer map of `type` (MapType 0–3). undefined: not available at this point of the
   * stream (→ Envoy statuses); the map itself when it exists. `write`: the caller will modify
   * it, so trailers that do not exist yet may be created (from a body callback at end of stream).
   */
  map(type: number, write?: boolean): HeaderMap | undefined;
  /** Body buffer of `type` (BufferType 0 or 1) while the filter may see it, else undefined. */
  body(type: number): BodyRef | undefined;
  /** proxy_continue_stream: applied after the running callback returns. */
  continueStream(type: StreamType): WasmResult;
  /** proxy_close_stream: applied after the running callback returns. */
  closeStream(type: StreamType): WasmResult;
  /** proxy_send_local_response: the reply replaces the response; the callback's result becomes Stop. */
  sendLocalResponse(status: number, details: string, body: Buffer, headers: string[], grpcStatus: number): WasmResult;
  /**
   * The VM failed outside this stream's own callbacks (tick, http_call response, another
   * stream): a stream the filter holds paused gets its failure policy now instead of hanging.
   */
  vmFailed(): void;
  /**
   * A network (L4) connection context (host/wasm/network-filter.ts): buffers 2/3
   * (DOWNSTREAM_DATA / UPSTREAM_DATA) and stream types 2/3 go to it. Absent on HTTP streams.
   */
  readonly network?: true;
}

/** The plugin's root context: ticks, queue notifications and http_call responses land here. */
export interface RootContext {
  readonly kind: 'root';
  readonly id: number;
  readonly rootId: string;
  tick: NodeJS.Timeout | undefined;
  /** http_call tokens in flight. */
  readonly calls: Map<number, AbortController>;
  /** proxy_on_done returned false: waiting for proxy_done. */
  pendingDone: boolean;
  deleted: boolean;
}

/** One request's context on one VM; dead (never called again) once deleted. */
export interface StreamContext {
  readonly kind: 'stream';
  readonly id: number;
  readonly root: RootContext;
  readonly host: StreamHost;
  deleted: boolean;
  /** http_call tokens this stream started: cancelled when it is deleted (as Envoy). */
  calls?: number[];
}

/** Any context a callback runs in. */
export type Context = RootContext | StreamContext;

/** Plugin identity and configuration, fixed when the plugin is configured. */
export interface PluginInfo {
  /** http_filters[].name */
  readonly name: string;
  readonly rootId: string;
  readonly vmId: string;
  readonly configuration: Buffer;
  readonly vmConfiguration: Buffer;
  readonly environment: Readonly<Record<string, string>>;
  readonly listenerName: string;
}

/** Data of the http_call response being delivered (maps 6/7, buffer 4), only during that callback. */
export interface CallResponse {
  headers: HeaderMap;
  body: Buffer;
  trailers: HeaderMap;
}

/** Which host functions may run: all, or the reduced sets allowed during init / allocation. */
export const enum Restriction {
  None = 0,
  Init = 1,
  Alloc = 2,
}

/** Everything host functions of one VM share. Mutated only by the VM and the host functions. */
export interface HostEnv {
  readonly mem: GuestMemory;
  readonly abi: AbiVersion;
  readonly plugin: PluginInfo;
  /** Gateway log, already scoped to the filter ({ filter: name }). */
  readonly log: Logger;
  readonly services: HostServices;
  /** Live contexts by id (not a Map: see context-table.ts). */
  readonly contexts: ContextTable;
  root: RootContext | undefined;
  /** Context of the callback running now (undefined between callbacks). */
  current: Context | undefined;
  /** proxy_set_effective_context target, reset to `current` at each callback. */
  effective: Context | undefined;
  restricted: Restriction;
  /** Name of the callback running now ("proxy_on_configure", ...): buffer availability, logs. */
  callback: string;
  callResponse: CallResponse | undefined;
  /** Last callout status (proxy_get_status). */
  status: { code: number; message: string };
  /** VM operations host functions trigger. */
  readonly ops: VmOps;
}

/** Implemented by the VM: the host functions that act on VM-wide state. */
export interface VmOps {
  /** proxy_set_tick_period_milliseconds on `root` (0 stops). */
  setTickPeriod(root: RootContext, ms: number): void;
  /** proxy_done for the current root context. */
  done(): WasmResult;
  /** Calls proxy_on_queue_ready on this VM's root for `queueId` (from the event loop). */
  readonly queueReady: (queueId: number) => void;
  /** Delivers an http_call result to the root context (from the event loop). */
  httpCallDone(root: RootContext, token: number, result: CallResponse | 'reset'): void;
}
