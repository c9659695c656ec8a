/**
 * Token buckets kept in shared data, so every stream (and every VM with the same vm_id) draws
 * from the same bucket. Keys are hashed into a fixed number of slots (`max_keys`): a client
 * choosing keys (a header value) cannot grow the store without bound.
 *
 * A slot's value: i64 tokens, i64 last fill time in ms (little-endian: no text to parse per
 * request), then the UTF-8 key that owns the slot. Updates use compare-and-swap and are retried
 * when another stream wrote in between.
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
const HEAD = 16;

/** FNV-1a (32 bit) of the UTF-8 bytes of `s`. */
export function fnv1a(s: string): u32 {
  const b = String.UTF8.encode(s);
  const p = changetype<usize>(b);
  let h: u32 = 2166136261;
  for (let i = 0; i < b.byteLength; i++) {
    h ^= <u32>load<u8>(p + i);
    h *= 16777619;
  }
  return h;
}

function sameKey(value: ArrayBuffer, key: ArrayBuffer): bool {
  if (value.byteLength != HEAD + key.byteLength) return false;
  return memory.compare(changetype<usize>(value) + HEAD, changetype<usize>(key), key.byteLength) == 0;
}

/**
 * Takes one token from the bucket of `key` at time `now`. The bucket lives in slot
 * `fnv1a(key) % slots` under `prefix`. A slot owned by another key is taken over once that
 * key's bucket is full again (it has been idle for a refill); until then both keys draw from
 * the owner's bucket, which errs on the side of limiting. When the store keeps changing under
 * us (MAX_TRIES CAS failures) the request is allowed: a rate limiter must not fail closed on
 * contention.
 */
export function takeToken(prefix: string, key: string, slots: u32, spec: BucketSpec, now: i64): Take {
  const slotKey = prefix + (fnv1a(key) % slots).toString();
  const keyBytes = String.UTF8.encode(key);
  for (let attempt = 0; attempt < MAX_TRIES; attempt++) {
    const current = getSharedData(slotKey);
    let tokens = spec.maxTokens;
    let lastFill = now;
    let cas: u32 = 0;
    let owner = keyBytes;
    if (current !== null && current.bytes.byteLength >= HEAD) {
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
      if (!sameKey(current.bytes, keyBytes)) {
        if (tokens >= spec.maxTokens) {
          tokens = spec.maxTokens; // idle owner: the slot is ours, with a fresh bucket
          lastFill = now;
        } else {
          owner = current.bytes.slice(HEAD);
        }
      }
    }
    const allowed = tokens > 0;
    if (allowed) tokens--;
    const msToFill = lastFill + spec.fillIntervalMs - now;
    const value = new ArrayBuffer(HEAD + owner.byteLength);
    const at = changetype<usize>(value);
    store<i64>(at, tokens);
    store<i64>(at, lastFill, 8);
    memory.copy(at + HEAD, changetype<usize>(owner), owner.byteLength);
    const status = setSharedData(slotKey, value, cas);
    if (status == WasmResult.Ok) return new Take(allowed, tokens, msToFill);
    if (status != WasmResult.CasMismatch) break;
  }
  return new Take(true, 0, spec.fillIntervalMs);
}
