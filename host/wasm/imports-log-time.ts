/**
 * Host functions for logging, time, context switching, status and shutdown, plus the helper
 * imports toolchains emit (AssemblyScript abort/trace/seed, Emscripten notifications).
 */
import { randomBytes } from 'node:crypto';
import type { LogLevel } from '../observability/contract.js';
import { WasmResult } from './abi.js';
import type { HostEnv } from './context.js';
import { GuestAbort } from './errors.js';
import { foreignFunctionImport } from './foreign-functions.js';

const LEVELS: LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'critical'];

/** Gateway log level as the ABI's LogLevel (0 trace … 5 critical, 6 off). */
export function abiLogLevel(env: HostEnv): number {
  for (let i = 0; i < LEVELS.length; i++) if (env.log.enabled(LEVELS[i]!)) return i;
  return 6;
}

/** Reads an AssemblyScript string (UTF-16LE, byte length at ptr-4); '' if out of bounds. */
function asString(env: HostEnv, ptr: number): string {
  ptr >>>= 0;
  if (ptr < 4 || !env.mem.ok(ptr - 4, 4)) return '';
  const len = env.mem.u32(ptr - 4);
  if (!env.mem.ok(ptr, len)) return '';
  return env.mem.view(ptr, len).toString('utf16le');
}

/** Logging, time, ticks, effective context, proxy_done, status, foreign functions, toolchain helpers. */
export function logTimeImports(env: HostEnv): Record<string, Function> {
  const { mem } = env;
  return {
    proxy_log(level: number, ptr: number, len: number): number {
      if (level < 0 || level > 5) return WasmResult.BadArgument;
      if (!mem.ok(ptr, len)) return WasmResult.InvalidMemoryAccess;
      const lvl = LEVELS[level]!;
      if (env.log.enabled(lvl)) env.log.log(lvl, `wasm log ${env.plugin.name}: ${mem.utf8(ptr, len)}`);
      return WasmResult.Ok;
    },
    proxy_get_log_level(out: number): number {
      if (!mem.ok(out, 4)) return WasmResult.InvalidMemoryAccess;
      mem.setU32(out, abiLogLevel(env));
      return WasmResult.Ok;
    },
    proxy_get_current_time_nanoseconds(out: number): number {
      if (!mem.ok(out, 8)) return WasmResult.InvalidMemoryAccess;
      mem.setU64(out, env.services.nowNs());
      return WasmResult.Ok;
    },
    proxy_set_tick_period_milliseconds(ms: number): number {
      const ctx = env.effective ?? env.current;
      const root = ctx?.kind === 'stream' ? ctx.root : ctx ?? env.root;
      if (!root) return WasmResult.BadArgument;
      env.ops.setTickPeriod(root, ms >>> 0);
      return WasmResult.Ok;
    },
    proxy_set_effective_context(id: number): number {
      const ctx = env.contexts.get(id >>> 0);
      if (!ctx || ctx.deleted) return WasmResult.BadArgument;
      env.effective = ctx;
      return WasmResult.Ok;
    },
    proxy_done(): number {
      return env.ops.done();
    },
    proxy_get_status(codeOut: number, msgOut: number, msgLenOut: number): number {
      if (!mem.ok(codeOut, 4) || !mem.ok(msgOut, 4) || !mem.ok(msgLenOut, 4)) return WasmResult.InvalidMemoryAccess;
      mem.setU32(codeOut, env.status.code);
      return mem.giveBytes(msgOut, msgLenOut, Buffer.from(env.status.message)) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
    },
    proxy_call_foreign_function: foreignFunctionImport(mem, env.services.foreign),
    // Toolchain helpers.
    abort(msg: number, file: number, line: number, col: number): never {
      throw new GuestAbort(`abort: ${asString(env, msg)} at ${asString(env, file)}:${line >>> 0}:${col >>> 0}`);
    },
    trace(msg: number, n: number, ...args: number[]): void {
      if (env.log.enabled('debug')) env.log.debug(`wasm trace ${env.plugin.name}: ${asString(env, msg)} ${args.slice(0, n).join(', ')}`);
    },
    seed(): number {
      return randomBytes(4).readUInt32LE(0);
    },
    'Date.now'(): number {
      return Date.now();
    },
    emscripten_notify_memory_growth(_i: number): void {},
    pthread_equal(a: number, b: number): number {
      return a === b ? 1 : 0;
    },
  };
}
