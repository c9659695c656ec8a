/**
 * Bounds-checked access to one VM's linear memory, and the §5.2 protocol for handing bytes to
 * the guest (allocate in the guest, copy, write pointer and size). Views are re-created whenever
 * the memory grew (growth detaches the old ArrayBuffer), so they are never stale.
 */

/** Allocates `size` bytes in the guest; returns the address or 0. May grow memory. */
export type GuestAllocator = (size: number) => number;

/** One VM's linear memory as the host sees it. */
export class GuestMemory {
  private buf: Buffer;
  /** Set once the instance exists; the VM installs its allocator export. */
  alloc: GuestAllocator = () => 0;

  /** An empty memory until attach(): host functions called during instantiation see no memory. */
  private memory = new WebAssembly.Memory({ initial: 0 });

  constructor() {
    this.buf = Buffer.from(this.memory.buffer);
  }

  /** Binds the instance's exported memory (after instantiation). */
  attach(memory: WebAssembly.Memory): void {
    this.memory = memory;
    this.refresh();
  }

  /**
   * Current byte view. Growth detaches the old ArrayBuffer, which leaves views over it with
   * length 0: a cheap test, instead of reading memory.buffer (a native getter) on every access.
   */
  bytes(): Buffer {
    if (this.buf.length === 0) this.refresh();
    return this.buf;
  }

  private refresh(): void {
    this.buf = Buffer.from(this.memory.buffer);
  }

  get size(): number {
    return this.bytes().length;
  }

  /** Whether [ptr, ptr+len) lies inside memory. Arguments are raw (signed) i32 values. */
  ok(ptr: number, len: number): boolean {
    return (ptr >>> 0) + (len >>> 0) <= this.bytes().length;
  }

  /** A view (not a copy) of guest bytes; only valid until the next call into the guest. */
  view(ptr: number, len: number): Buffer {
    ptr >>>= 0;
    return this.bytes().subarray(ptr, ptr + (len >>> 0));
  }

  /** Copy of guest bytes (for data the host keeps). */
  copy(ptr: number, len: number): Buffer {
    return Buffer.from(this.view(ptr, len));
  }

  /** Bytes as latin1 (byte-preserving: header names and values). */
  latin1(ptr: number, len: number): string {
    ptr >>>= 0;
    return this.bytes().latin1Slice(ptr, ptr + (len >>> 0));
  }

  /** Bytes as UTF-8 (log messages, property paths). */
  utf8(ptr: number, len: number): string {
    ptr >>>= 0;
    return this.bytes().utf8Slice(ptr, ptr + (len >>> 0));
  }

  u32(ptr: number): number {
    return this.bytes().readUInt32LE(ptr >>> 0);
  }

  setU32(ptr: number, v: number): void {
    this.bytes().writeUInt32LE(v >>> 0, ptr >>> 0);
  }

  setU64(ptr: number, v: bigint): void {
    this.bytes().writeBigUInt64LE(BigInt.asUintN(64, v), ptr >>> 0);
  }

  /**
   * Hands `len` bytes to the guest (§5.2): allocates, lets `fill` write them at the returned
   * address, then writes address and size at the out-pointers. Empty results write (0, 0)
   * without calling the allocator. Returns false when allocation failed (→ InvalidMemoryAccess).
   * Callers validate the out-pointers first.
   */
  give(outPtr: number, outSize: number, len: number, fill: (mem: Buffer, at: number) => void): boolean {
    if (len === 0) {
      this.setU32(outPtr, 0);
      this.setU32(outSize, 0);
      return true;
    }
    const at = this.alloc(len) >>> 0;
    if (at === 0 || at + len > this.bytes().length) return false;
    fill(this.bytes(), at);
    this.setU32(outPtr, at);
    this.setU32(outSize, len);
    return true;
  }

  /** give() for a ready-made byte string. */
  giveBytes(outPtr: number, outSize: number, data: Uint8Array): boolean {
    return this.give(outPtr, outSize, data.length, (mem, at) => mem.set(data, at));
  }

  /** give() for a latin1 string (a header value). */
  giveLatin1(outPtr: number, outSize: number, s: string): boolean {
    return this.give(outPtr, outSize, s.length, (mem, at) => {
      mem.latin1Write(s, at, s.length);
    });
  }
}
