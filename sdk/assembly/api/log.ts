/**
 * Logging through the host (`proxy_log`). The host prefixes lines with the filter's name.
 */
import { proxy_get_log_level, proxy_log } from "../abi/imports";
import { LogLevel, WasmResult } from "../abi/enums";
import { OUT_SCALAR, resetOut, scalarU32, utf8 } from "../abi/memory";

/** Writes `message` at `level`. Returns the host's status (BadArgument for a level > 5). */
export function logAt(level: LogLevel, message: string): WasmResult {
  const bytes = utf8(message);
  return <WasmResult>proxy_log(<u32>level, changetype<usize>(bytes), <usize>bytes.byteLength);
}

/**
 * The host's current minimum log level, or `LogLevel.Trace` when the host cannot say
 * (ABI 0.2.0 hosts), so nothing is lost.
 */
export function hostLogLevel(): LogLevel {
  resetOut();
  if (proxy_get_log_level(OUT_SCALAR) != WasmResult.Ok) return LogLevel.Trace;
  return <LogLevel>scalarU32();
}

/** A logger bound to no state: the methods write one line each at their level. */
export class Logger {
  /** Whether a message at `level` would be written; skip building expensive messages otherwise. */
  enabled(level: LogLevel): bool {
    return <i32>level >= <i32>hostLogLevel();
  }
  /** Writes at Trace. */
  trace(message: string): void { logAt(LogLevel.Trace, message); }
  /** Writes at Debug. */
  debug(message: string): void { logAt(LogLevel.Debug, message); }
  /** Writes at Info. */
  info(message: string): void { logAt(LogLevel.Info, message); }
  /** Writes at Warn. */
  warn(message: string): void { logAt(LogLevel.Warn, message); }
  /** Writes at Error. */
  error(message: string): void { logAt(LogLevel.Error, message); }
  /** Writes at Critical. */
  critical(message: string): void { logAt(LogLevel.Critical, message); }
}

/** The filter's logger: `log.info("hello")`. */
export const log = new Logger();
