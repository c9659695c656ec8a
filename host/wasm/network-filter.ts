/**
 * A proxy-wasm plugin as a network (L4) filter: one context per downstream connection
 * (proxy_on_context_create, proxy_on_new_connection), client and upstream bytes through
 * proxy_on_downstream_data / proxy_on_upstream_data with DOWNSTREAM_DATA / UPSTREAM_DATA
 * readable and replaceable (Envoy's prepend / replace-all / append), close callbacks with the
 * peer type, and at the end done → log → delete (Envoy's TCP order). Failures follow the
 * filter's failure_policy: fail_open skips the filter, otherwise the connection is closed.
 */
import type { HeaderMap } from '../http/header-map.js';
import type { StreamInfo } from '../http/stream-info.js';
import { NetStatus, Peer, type DataRef, type NetworkFilter, type NetworkFilterCallbacks, type NetworkFilterFactory } from '../network/contract.js';
import { StreamType, WasmResult } from './abi.js';
import type { BodyRef, StreamContext, StreamHost } from './context.js';
import type { WasmPlugin } from './plugin.js';
import type { WasmVm } from './vm.js';

/**
 * Builds one WasmNetworkFilter per connection for a loaded plugin, counting the connections
 * still on it so a replaced version (hot reload) shuts down after its last one.
 */
export class WasmNetworkFilterFactory implements NetworkFilterFactory {
  readonly name: string;
  private live = 0;
  private idle: (() => void) | undefined;
  private closed = false;
  private readonly ended = (): void => {
    if (--this.live === 0) this.idle?.();
  };

  constructor(readonly plugin: WasmPlugin) {
    this.name = plugin.info.name;
  }

  create(cb: NetworkFilterCallbacks, index: number): NetworkFilter {
    this.live++;
    return new WasmNetworkFilter(this.plugin, cb, index, this.ended);
  }

  /** Connections created on this factory and not destroyed yet. */
  get activeConnections(): number {
    return this.live;
  }

  /** No new connections come here any more: closes after the last one (at most `drainMs`). */
  retire(drainMs: number): Promise<void> {
    return new Promise<void>((r) => {
      if (this.live === 0) return r();
      this.idle = r;
      setTimeout(r, drainMs).unref();
    }).then(() => this.close());
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.plugin.close();
  }
}

/** One connection's context on the plugin's VM; also the StreamHost its host functions use. */
export class WasmNetworkFilter implements NetworkFilter, StreamHost {
  readonly network = true as const;
  private vm: WasmVm | undefined;
  private ctx: StreamContext | undefined;
  /** fail_open after a failure: transparent for the rest of the connection. */
  private skipped = false;
  /** This filter holds client bytes (returned Stop) until it continues. */
  private holding = false;
  private down: DataRef | undefined;
  private up: DataRef | undefined;

  /** `ended` is told once, when the connection is over. */
  constructor(private readonly plugin: WasmPlugin, private readonly cb: NetworkFilterCallbacks, private readonly index: number,
    private ended?: () => void) {}

  // ---- StreamHost ----
  get info(): StreamInfo {
    return this.cb.info;
  }

  route(): null {
    return null;
  }

  map(_type: number): HeaderMap | undefined {
    return undefined;
  }

  body(type: number): BodyRef | undefined {
    return type === 2 ? this.down : type === 3 ? this.up : undefined;
  }

  continueStream(type: StreamType): WasmResult {
    if (type === StreamType.Upstream) return WasmResult.Unimplemented; // as Envoy
    if (type === StreamType.Downstream) {
      this.holding = false;
      queueMicrotask(() => this.cb.continueReading(this.index));
    }
    return WasmResult.Ok;
  }

  closeStream(type: StreamType): WasmResult {
    if (type === StreamType.Downstream || type === StreamType.Upstream) queueMicrotask(() => this.cb.close('wasm_close_stream'));
    return WasmResult.Ok;
  }

  sendLocalResponse(): WasmResult {
    return WasmResult.BadArgument; // no HTTP response on a connection
  }

  vmFailed(): void {
    if (this.skipped) return;
    this.skipped = true;
    const held = this.holding;
    this.holding = false;
    queueMicrotask(() => {
      if (this.plugin.failurePolicy !== 'fail_open') this.cb.close('wasm_fail_stream');
      else if (held) this.cb.continueReading(this.index);
    });
  }

  // ---- NetworkFilter ----
  onNewConnection(): NetStatus {
    if (this.skipped) return NetStatus.Continue;
    this.vm = this.plugin.vm();
    if (!this.vm.failed) this.ctx = this.vm.createStream(this);
    if (!this.ctx || this.vm.failed) return this.failed();
    const st = this.status(this.call('proxy_on_new_connection'));
    // A stop here holds the filters after this one: fail_open must let them go on.
    this.holding = st === NetStatus.Stop && !this.skipped;
    return st;
  }

  onDownstreamData(data: DataRef, end: boolean): NetStatus {
    if (this.skipped || !this.ctx) return NetStatus.Continue;
    this.down = data;
    const st = this.status(this.call('proxy_on_downstream_data', data.length, end ? 1 : 0));
    this.down = undefined;
    this.holding = st === NetStatus.Stop && !this.skipped;
    return st;
  }

  onUpstreamData(data: DataRef, end: boolean): NetStatus {
    if (this.skipped || !this.ctx) return NetStatus.Continue;
    this.up = data;
    const st = this.status(this.call('proxy_on_upstream_data', data.length, end ? 1 : 0));
    this.up = undefined;
    return st;
  }

  onDownstreamClose(peer: Peer): void {
    if (this.ctx && !this.ctx.deleted) this.call('proxy_on_downstream_connection_close', peer);
  }

  onUpstreamClose(peer: Peer): void {
    if (this.ctx && !this.ctx.deleted) this.call('proxy_on_upstream_connection_close', peer);
  }

  destroy(): void {
    const ended = this.ended;
    this.ended = undefined;
    this.release();
    ended?.();
  }

  private release(): void {
    const ctx = this.ctx;
    const vm = this.vm;
    if (!ctx || !vm || ctx.deleted) return;
    // Envoy's TCP order (and the spec's): done, log, delete; the id is dead afterwards.
    vm.invoke('proxy_on_done', ctx, ctx.id);
    vm.invoke('proxy_on_log', ctx, ctx.id);
    vm.invoke('proxy_on_delete', ctx, ctx.id);
    ctx.deleted = true;
    vm.env.contexts.delete(ctx.id);
  }

  /** Calls export `name` on this connection's context; undefined when the VM failed. */
  private call(name: string, a?: number, b?: number): number | undefined {
    const ctx = this.ctx!;
    if (this.vm!.failed) return undefined;
    if (!this.vm!.has(name)) return 0;
    return this.vm!.invoke(name, ctx, ctx.id, a, b);
  }

  /** A callback's result → status; a failure applies the policy. */
  private status(r: number | undefined): NetStatus {
    if (r === undefined) return this.failed();
    return r === 0 ? NetStatus.Continue : NetStatus.Stop;
  }

  private failed(): NetStatus {
    if (this.skipped) return NetStatus.Continue;
    this.skipped = true;
    if (this.plugin.failurePolicy === 'fail_open') return NetStatus.Continue;
    queueMicrotask(() => this.cb.close('wasm_fail_stream'));
    return NetStatus.Stop;
  }
}
