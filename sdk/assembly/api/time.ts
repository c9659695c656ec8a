/**
 * Clock and randomness from the host. AssemblyScript's `Date.now()` and an unseeded
 * `Math.random()` would import `env.Date.now` / `env.seed`, which proxy-wasm hosts do not
 * provide; use these instead (the SDK's asconfig routes `Math.random`'s seed here too).
 */
import { proxy_get_current_time_nanoseconds, wasi_random_get } from "../abi/imports";
import { WasmResult } from "../abi/enums";
import { OUT_SCALAR, resetOut, scalarU64 } from "../abi/memory";

/** Wall-clock time in nanoseconds since the Unix epoch (0 if the host cannot say). */
export function nowNanos(): u64 {
  resetOut();
  if (proxy_get_current_time_nanoseconds(OUT_SCALAR) != WasmResult.Ok) return 0;
  return scalarU64();
}

/** Wall-clock time in milliseconds since the Unix epoch. */
export function nowMillis(): u64 {
  return nowNanos() / 1_000_000;
}

// Randomness is drawn from the host in blocks: one random_get per POOL_SIZE bytes instead of
// one per call (a hostcall into node:crypto costs about as much as a small filter's request).
const POOL_SIZE: i32 = 512;
const POOL: usize = memory.data(POOL_SIZE, 16);
let poolUsed: i32 = POOL_SIZE;

/** Copies `n` (≤ POOL_SIZE) random bytes to `dest`; false when the host refuses. */
function drawRandom(dest: usize, n: i32): bool {
  if (poolUsed + n > POOL_SIZE) {
    if (wasi_random_get(POOL, <usize>POOL_SIZE) != 0) return false;
    poolUsed = 0;
  }
  memory.copy(dest, POOL + <usize>poolUsed, <usize>n);
  // Bytes handed out are wiped, so the pool never holds a value someone already has.
  memory.fill(POOL + <usize>poolUsed, 0, <usize>n);
  poolUsed += n;
  return true;
}

/** `n` random bytes from the host (WASI random_get), or null when it refuses (n > 64 KiB). */
export function randomBytes(n: i32): Uint8Array | null {
  const out = new Uint8Array(n);
  if (n == 0) return out;
  if (n <= POOL_SIZE) return drawRandom(out.dataStart, n) ? out : null;
  if (wasi_random_get(out.dataStart, <usize>n) != 0) return null;
  return out;
}

// One u64 of scratch for the scalar helpers below, outside the managed heap.
const RANDOM_SCRATCH: usize = memory.data(8, 8);

/** A random u64 from the host; 0 if the host refuses. */
export function randomU64(): u64 {
  store<u64>(RANDOM_SCRATCH, 0);
  drawRandom(RANDOM_SCRATCH, 8);
  return load<u64>(RANDOM_SCRATCH);
}

/** A random u32 from the host. */
export function randomU32(): u32 {
  return <u32>(randomU64() >> 32);
}

/** A random number in [0, 1). */
export function randomFloat(): f64 {
  return <f64>(randomU64() >> 11) / <f64>(1 << 53);
}

/** Seed for `Math.random` (wired with `--use seed=…`): 64 random bits from the host. */
export function sluiceSeed(): f64 {
  return reinterpret<f64>(randomU64());
}
