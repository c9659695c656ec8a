/**
 * JSON-lines logger to stderr (stdout is left to the access log by default).
 */
import type { Logger, LogLevel } from './contract.js';

const ORDER: Record<LogLevel, number> = { trace: 0, debug: 1, info: 2, warn: 3, error: 4, critical: 5 };

export interface LoggerOptions {
  level?: LogLevel;
  /** Where lines go; default process.stderr. Tests pass a collector. */
  write?: (line: string) => void;
  /** Injected clock for timestamps. */
  now?: () => number;
}

export function createLogger(opts: LoggerOptions = {}, base: Record<string, unknown> = {}): Logger {
  const min = ORDER[opts.level ?? (process.env.SLUICE_LOG_LEVEL as LogLevel | undefined) ?? 'info'] ?? ORDER.info;
  const write = opts.write ?? ((line: string) => process.stderr.write(line));
  const now = opts.now ?? Date.now;
  const log = (level: LogLevel, msg: string, fields?: Record<string, unknown>): void => {
    if (ORDER[level] < min) return;
    write(JSON.stringify({ time: new Date(now()).toISOString(), level, msg, ...base, ...fields }) + '\n');
  };
  return {
    log,
    debug: (m, f) => log('debug', m, f),
    info: (m, f) => log('info', m, f),
    warn: (m, f) => log('warn', m, f),
    error: (m, f) => log('error', m, f),
    enabled: (level) => ORDER[level] >= min,
    child: (fields) => createLogger(opts, { ...base, ...fields }),
  };
}
