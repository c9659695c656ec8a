/**
 * A token bucket kept in shared data, so every stream (and every VM with the same vm_id) draws
 * from the same bucket. Stored as 16 bytes (i64 tokens, i64 last fill time in ms, little-endian:
 * no text to parse per request); updated with compare-and-swap and retried when another stream
 * wrote in between.
 */
import { WasmResult, getSharedData, setSharedData } from "sdk/assembly";

/** Bucket parameters. */
export class BucketSpec {
  constructor(public maxTokens: i64, public tokensPerFill: i64, public fillIntervalMs: i64) {}
}

/** Outcome of one take. */
export class Take {
  constructor(
    /** Whether a token was granted. */
    public allowed: bool,
    /** Tokens left after this take. */
    public remaining: i64,
    /** Milliseconds until the next fill. */
    public msToFill: i64,
  ) {}
}

const MAX_TRIES = 8;

/**
 * Takes one token from bucket `key` at time `now`. When the store keeps changing under us
 * (MAX_TRIES CAS failures) the request is allowed: a rate limiter must not fail closed on
 * contention.
 */
export function takeToken(key: string, spec: BucketSpec, now: i64): Take {
  const value = new ArrayBuffer(16);
  const at = changetype<usize>(value);
  for (let attempt = 0; attempt < MAX_TRIES; attempt++) {
    const current = getSharedData(key);
    let tokens = spec.maxTokens;
    let lastFill = now;
    let cas: u32 = 0;
    if (current !== null && current.bytes.byteLength == 16) {
      cas = current.cas;
      tokens = load<i64>(changetype<usize>(current.bytes));
      lastFill = load<i64>(changetype<usize>(current.bytes), 8);
      const elapsed = now - lastFill;
      if (elapsed >= spec.fillIntervalMs) {
        const fills = elapsed / spec.fillIntervalMs;
        tokens += fills * spec.tokensPerFill;
        if (tokens > spec.maxTokens) tokens = spec.maxTokens;
        lastFill += fills * spec.fillIntervalMs;
      } else if (elapsed < 0) {
        lastFill = now; // clock went backwards: restart the interval
      }
    }
    const allowed = tokens > 0;
    if (allowed) tokens--;
    const msToFill = lastFill + spec.fillIntervalMs - now;
    store<i64>(at, tokens);
    store<i64>(at, lastFill, 8);
    const status = setSharedData(key, value, cas);
    if (status == WasmResult.Ok) return new Take(allowed, tokens, msToFill);
    if (status != WasmResult.CasMismatch) break;
  }
  return new Take(true, 0, spec.fillIntervalMs);
}
