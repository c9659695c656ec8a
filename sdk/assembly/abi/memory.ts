/**
 * Guest memory shared with the host: the allocator the host calls to hand data over
 * (`proxy_on_memory_allocate`), the scratch slots hostcalls write out-values into, and the
 * conversion of host-allocated blocks into ordinary managed `ArrayBuffer`s.
 *
 * Ownership rule (incremental runtime): a block returned by the allocator is a real
 * `ArrayBuffer`, pinned so the collector cannot free it while only the host knows its address.
 * The hostcall wrapper that receives the address unpins it at once; from then on the buffer is
 * an ordinary GC object kept alive by whoever holds it. Nothing is ever freed by hand, so a
 * block handed over and dropped is collected, and a filter serving a million requests stays flat.
 */

// Static scratch, outside the managed heap: [0] data ptr, [4] data size, [8] u64 / u32 scalar.
const SCRATCH: usize = memory.data(16, 8);

/** Address the host writes a returned data pointer to (`**out`). */
export const OUT_PTR: usize = SCRATCH;
/** Address the host writes a returned data size to (`*outn`). */
export const OUT_SIZE: usize = SCRATCH + 4;
/** Address the host writes a scalar (u32 id/token/cas, u64 time/metric) to. */
export const OUT_SCALAR: usize = SCRATCH + 8;

/**
 * Allocates `size` bytes for the host as a pinned `ArrayBuffer` (called through
 * `proxy_on_memory_allocate`). The block stays pinned until `takeBytes` adopts it.
 */
export function allocateForHost(size: usize): usize {
  const ptr = changetype<usize>(new ArrayBuffer(<i32>size));
  // @ts-ignore: runtime builtin, not in the std typings editors use
  __pin(ptr);
  return ptr;
}

/** Clears the out slots before a hostcall, so a stale address is never adopted twice. */
export function resetOut(): void {
  store<u64>(SCRATCH, 0);
  store<u64>(OUT_SCALAR, 0);
}

/**
 * Adopts the block the last hostcall returned through OUT_PTR / OUT_SIZE: unpins it and
 * returns it as a managed buffer. An empty result (the host writes 0/0) gives an empty buffer.
 */
export function takeBytes(): ArrayBuffer {
  const ptr = load<usize>(OUT_PTR);
  const size = load<u32>(OUT_SIZE);
  store<u64>(SCRATCH, 0);
  if (ptr == 0) return new ArrayBuffer(0);
  // @ts-ignore: runtime builtin
  __unpin(ptr);
  const buf = changetype<ArrayBuffer>(ptr);
  // The host asks for exactly the bytes it copies; trim defensively if it wrote fewer.
  if (<i32>size < buf.byteLength) return buf.slice(0, <i32>size);
  return buf;
}

/** Releases a block the host allocated but the call then failed (never leaves it pinned). */
export function dropBytes(): void {
  const ptr = load<usize>(OUT_PTR);
  store<u64>(SCRATCH, 0);
  // @ts-ignore: runtime builtin
  if (ptr != 0) __unpin(ptr);
}

/** u32 the last hostcall wrote to OUT_SCALAR. */
export function scalarU32(): u32 {
  return load<u32>(OUT_SCALAR);
}

/** u64 the last hostcall wrote to OUT_SCALAR. */
export function scalarU64(): u64 {
  return load<u64>(OUT_SCALAR);
}

/** UTF-8 bytes of `s` (one allocation; the caller keeps it alive across the hostcall). */
export function utf8(s: string): ArrayBuffer {
  return String.UTF8.encode(s);
}

/** Decodes UTF-8 bytes into a string. */
export function fromUtf8(buf: ArrayBuffer): string {
  return String.UTF8.decode(buf);
}

/** Address of a buffer's first byte, for passing to the host. */
// @ts-ignore: decorator
@inline
export function addr(buf: ArrayBuffer): usize {
  return changetype<usize>(buf);
}
