/**
 * Load-time rewriting of a module so the host can bound it:
 * - CPU: a fuel counter (exported mutable i32 global `__sluice_fuel`) decremented at every
 *   function entry, function return and loop header, trapping (`unreachable`) once it goes below
 *   zero. The host refills it before each callback. binaryen's `log-execution` pass places the
 *   probes; the probe import is then replaced by an internal function and inlined.
 * - Memory: every defined memory gets a maximum of at most the VM's cap, so `memory.grow` past
 *   it fails inside the guest (its allocator then aborts or traps: that VM fails, nothing else).
 *
 * The binaryen part runs off the main thread (fuel-service.ts): binaryen.js holds ~80 MB once
 * loaded, and a large module would stall the event loop while it is rewritten.
 *
 * A probe on a tight loop costs ~1 ns on the reference machine; FUEL_PER_MS is calibrated on such
 * loops, so a callback with heavier loop bodies may run somewhat longer than its budget.
 */

/** Fuel units per millisecond of callback time (≈ one tight-loop iteration per ns). */
export const FUEL_PER_MS = 1_000_000;
/** Name of the exported fuel global. */
export const FUEL_EXPORT = '__sluice_fuel';
/** Exported i32 global set to 1 when a memory.grow failed (the memory cap was hit). */
export const OOM_EXPORT = '__sluice_oom';
/** Largest fuel value (the counter is an i32). */
export const MAX_FUEL = 0x7fff_ffff;
const PAGE = 65536;

/** Fuel for a callback time budget, clamped to the i32 counter. */
export function fuelFor(ms: number): number {
  return Math.max(1, Math.min(MAX_FUEL, Math.round(ms * FUEL_PER_MS)));
}

/** Unsigned LEB128 at `pos`: the value and the position after it. */
export function readLeb(b: Uint8Array, pos: number): [value: number, next: number] {
  let result = 0;
  let shift = 0;
  for (;;) {
    const byte = b[pos++]!;
    result += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return [result, pos];
    shift += 7;
  }
}

/** Appends `v` as unsigned LEB128. */
export function writeLeb(out: number[], v: number): void {
  do {
    let byte = v % 128;
    v = Math.floor(v / 128);
    if (v > 0) byte |= 0x80;
    out.push(byte);
  } while (v > 0);
}

/**
 * Caps every defined memory at `maxPages` (64 KiB pages): sets or lowers its maximum. Throws when
 * the module imports its memory, or asks for more initial memory than the cap.
 */
export function capMemory(bytes: Uint8Array, maxPages: number): Uint8Array {
  if (bytes.length < 8) throw new Error('not a wasm binary');
  let pos = 8;
  while (pos < bytes.length) {
    const id = bytes[pos]!;
    const [size, body] = readLeb(bytes, pos + 1);
    const end = body + size;
    if (id === 2) checkNoImportedMemory(bytes, body);
    if (id === 5) {
      const out: number[] = [];
      let p = body;
      const [count, afterCount] = readLeb(bytes, p);
      p = afterCount;
      writeLeb(out, count);
      for (let i = 0; i < count; i++) {
        const flags = bytes[p++]!;
        if (flags & 0x04) throw new Error('memory64 is not supported');
        const [initial, p2] = readLeb(bytes, p);
        p = p2;
        let max = Infinity;
        if (flags & 0x01) [max, p] = readLeb(bytes, p);
        if (initial > maxPages) {
          throw new Error(`module needs ${initial * PAGE} bytes of initial memory, over the ${maxPages * PAGE}-byte memory limit`);
        }
        out.push(flags | 0x01);
        writeLeb(out, initial);
        writeLeb(out, Math.min(max, maxPages));
      }
      const header: number[] = [5];
      writeLeb(header, out.length);
      const result = new Uint8Array(pos + header.length + out.length + (bytes.length - end));
      result.set(bytes.subarray(0, pos), 0);
      result.set(header, pos);
      result.set(out, pos + header.length);
      result.set(bytes.subarray(end), pos + header.length + out.length);
      return result;
    }
    pos = end;
  }
  return bytes;
}

function checkNoImportedMemory(bytes: Uint8Array, body: number): void {
  const dec = new TextDecoder();
  let [count, p] = readLeb(bytes, body);
  for (let i = 0; i < count; i++) {
    let len: number;
    [len, p] = readLeb(bytes, p);
    p += len;
    [len, p] = readLeb(bytes, p);
    const name = dec.decode(bytes.subarray(p, p + len));
    p += len;
    const kind = bytes[p++]!;
    if (kind === 0) [, p] = readLeb(bytes, p);
    else if (kind === 1) {
      p++;
      const flags = bytes[p++]!;
      [, p] = readLeb(bytes, p);
      if (flags & 1) [, p] = readLeb(bytes, p);
    } else if (kind === 2) throw new Error(`module imports its memory (${name}): not supported, the host sizes each VM's memory`);
    else if (kind === 3) p += 2;
    else p += 2; // tag: attribute + type index (small modules only)
  }
}
