/**
 * The root context: one per plugin (filter configuration) in a VM. It lives from VM start to
 * shutdown, holds the parsed configuration, owns ticks, queues and shared state, and creates
 * a stream context for every request or connection.
 */
import { proxy_done, proxy_set_tick_period_milliseconds } from "../abi/imports";
import { WasmResult } from "../abi/enums";
import { pluginConfiguration, vmConfiguration } from "../api/buffers";
import { BaseContext } from "./base";
import { HttpContext } from "./http";
import { TcpContext } from "./tcp";

/** Base root context: accepts any configuration and creates pass-through stream contexts. */
export class RootContext extends BaseContext {
  /** The root id this plugin was configured with (set by the SDK after construction). */
  rootId: string = "";

  /**
   * Called once after creation with the VM configuration's size. Read it with
   * `vmConfigurationText()`. Return false to fail the VM start.
   */
  onVmStart(vmConfigurationSize: u32): bool {
    return true;
  }

  /**
   * Called with the plugin configuration's size, at start and on every reconfiguration. Parse
   * it here (`configurationText()`, then `parseJson`) and keep the result in fields. Return
   * false to reject the configuration: the host then refuses to load the filter.
   */
  onConfigure(configurationSize: u32): bool {
    return true;
  }

  /** Called every tick period once `setTickPeriod` was called with a non-zero value. */
  onTick(): void {}

  /** An item was enqueued on queue `queueId`, registered by this root. */
  onQueueReady(queueId: u32): void {}

  /**
   * The host calls function `functionId` of this plugin (`proxy_on_foreign_function`); read the
   * `argumentsSize` bytes of arguments with `foreignFunctionArguments.bytes()`.
   */
  onForeignFunction(functionId: u32, argumentsSize: u32): void {}

  /**
   * Creates the context for a new HTTP stream; return null if this plugin is not an HTTP
   * filter. Default: null (the SDK then uses a pass-through HttpContext).
   */
  newHttpContext(contextId: u32): HttpContext | null {
    return null;
  }

  /** Creates the context for a new TCP connection; return null if not a network filter. */
  newTcpContext(contextId: u32): TcpContext | null {
    return null;
  }

  /** Plugin configuration as text ("" when none). Readable only in `onConfigure`. */
  configurationText(): string {
    const t = pluginConfiguration.text();
    return t === null ? "" : t;
  }

  /** Plugin configuration bytes (empty when none). Readable only in `onConfigure`. */
  configurationBytes(): ArrayBuffer {
    const b = pluginConfiguration.bytes();
    return b === null ? new ArrayBuffer(0) : b;
  }

  /** VM configuration as text. Readable in `onVmStart`. */
  vmConfigurationText(): string {
    const t = vmConfiguration.text();
    return t === null ? "" : t;
  }

  /** Asks for `onTick` every `ms` milliseconds; 0 stops ticking. */
  setTickPeriod(ms: u32): WasmResult {
    this.makeEffective();
    return <WasmResult>proxy_set_tick_period_milliseconds(ms);
  }

  /** Finishes a shutdown deferred by returning false from `onDone`. */
  done(): WasmResult {
    this.makeEffective();
    return <WasmResult>proxy_done();
  }
}
