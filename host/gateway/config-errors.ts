/**
 * Errors raised while the gateway assembles itself from config, turned into the one error type
 * callers (the CLI, reload) already know how to print: ConfigLoadError with `path: message`.
 */
import { ConfigLoadError } from '../config/errors.js';

/** Builders throw `Error("<path>: <message>")`; anything else is reported at `where`. */
export function asConfigLoadError(err: unknown, where: string): ConfigLoadError {
  if (err instanceof ConfigLoadError) return err;
  const msg = err instanceof Error ? err.message : String(err);
  const m = /^([A-Za-z_][\w.[\]"-]*): (.*)$/s.exec(msg);
  if (m) return new ConfigLoadError([{ path: m[1]!, message: m[2]! }]);
  return new ConfigLoadError([{ path: where, message: msg }]);
}

/** A listen() failure at `path` (e.g. `listeners[0].address`). */
export function bindError(path: string, address: string, err: unknown): ConfigLoadError {
  const code = (err as { code?: string } | null)?.code;
  let message: string;
  switch (code) {
    case 'EADDRINUSE':
      message = `address ${address} already in use`;
      break;
    case 'EACCES':
      message = `permission denied binding ${address}`;
      break;
    case 'EADDRNOTAVAIL':
      message = `address ${address} is not available on this host`;
      break;
    default:
      message = `cannot bind ${address}: ${err instanceof Error ? err.message : String(err)}`;
  }
  return new ConfigLoadError([{ path, message }]);
}
