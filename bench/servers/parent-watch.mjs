// Child servers exit on their own when the harness that started them is gone (its pid is no
// longer their parent), so even a SIGKILLed harness leaves no Node server behind.

/** Exits this process once it has been re-parented (its original parent died). */
export function exitWhenOrphaned(intervalMs = 1000) {
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) process.exit(0);
  }, intervalMs).unref();
}

/** Reads `--name value` from argv; throws when a required one is missing. */
export function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  if (i >= 0 && i + 1 < process.argv.length) return process.argv[i + 1];
  if (fallback !== undefined) return fallback;
  throw new Error(`missing --${name}`);
}

/** Hop-by-hop headers (RFC 9110 §7.6.1) plus the ones undici and HTTP/2 refuse to forward. */
export const HOP_BY_HOP = new Set([
  'connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer',
  'proxy-authenticate', 'proxy-authorization', 'http2-settings', 'host',
]);
