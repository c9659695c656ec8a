/**
 * Load-time rewriting of a module so the host can bound it:
 * - CPU: a fuel counter (exported mutable i32 global `__sluice_fuel`) decremented at every
 *   function entry, function return and loop header, trapping (`unreachable`) once it goes below
 *   zero. The host refills it before each callback. binaryen's `log-execution` pass places the
 *   probes; the probe import is then replaced by an internal function and inlined.
 * - Memory: every defined memory gets a maximum of at most the VM's cap, so `memory.grow` past
 *   it fails inside the guest (its allocator then aborts or traps: that VM fails, nothing else).
 *
 * A probe on a tight loop costs ~1 ns on the reference machine; FUEL_PER_MS is calibrated on such
 * loops, so a callback with heavier loop bodies may run somewhat longer than its budget.
 */
import binaryen from 'binaryen';

/** Fuel units per millisecond of callback time (≈ one tight-loop iteration per ns). */
export const FUEL_PER_MS = 1_000_000;
/** Name of the exported fuel global. */
export const FUEL_EXPORT = '__sluice_fuel';
/** Exported i32 global set to 1 when a memory.grow failed (the memory cap was hit). */
export const OOM_EXPORT = '__sluice_oom';
const GROW_HOOKS = new Set(['memory_grow_pre', 'memory_grow_post', 'load_ptr', 'load_val_i32', 'load_val_i64',
  'load_val_f32', 'load_val_f64', 'store_ptr', 'store_val_i32', 'store_val_i64', 'store_val_f32', 'store_val_f64']);
const PROBE_MODULE = 'sluice_meter';
const MAX_FUEL = 0x7fff_ffff;
const PAGE = 65536;

/** Wasm features V8 in Node 20 accepts; newer encodings (compact imports, …) must not be emitted. */
function nodeFeatures(): number {
  const F = binaryen.Features;
  return F.MVP | F.Atomics | F.MutableGlobals | F.NontrappingFPToInt | F.SIMD128 | F.BulkMemory | F.SignExt
    | F.ExceptionHandling | F.TailCall | F.ReferenceTypes | F.Multivalue | F.ExtendedConst | F.RelaxedSIMD
    | F.MultiMemory | F.BulkMemoryOpt | F.CallIndirectOverlong;
}

/** Fuel for a callback time budget, clamped to the i32 counter. */
export function fuelFor(ms: number): number {
  return Math.max(1, Math.min(MAX_FUEL, Math.round(ms * FUEL_PER_MS)));
}

/** Adds the fuel counter and probes; returns the rewritten binary. Throws on invalid input. */
export function instrumentFuel(bytes: Uint8Array): Uint8Array {
  const m = (binaryen.readBinary as (b: Uint8Array, f?: number) => binaryen.Module)(bytes, nodeFeatures());
  try {
    binaryen.setPassArgument('log-execution', PROBE_MODULE);
    m.runPasses(['log-execution']);
    let probe: string | undefined;
    for (let i = 0; i < m.getNumFunctions(); i++) {
      const info = binaryen.getFunctionInfo(m.getFunctionByIndex(i));
      if (info.module === PROBE_MODULE) probe = info.name;
    }
    m.addGlobal(FUEL_EXPORT, binaryen.i32, true, m.i32.const(MAX_FUEL));
    m.addGlobalExport(FUEL_EXPORT, FUEL_EXPORT);
    if (probe !== undefined) {
      m.removeFunction(probe);
      const fuel = () => m.global.get(FUEL_EXPORT, binaryen.i32);
      m.addFunction(probe, binaryen.createType([binaryen.i32]), binaryen.none, [], m.block(null, [
        m.global.set(FUEL_EXPORT, m.i32.sub(fuel(), m.i32.const(1))),
        m.if(m.i32.lt_s(fuel(), m.i32.const(0)), m.unreachable()),
      ]));
      binaryen.setAlwaysInlineMaxSize(32);
      m.runPasses(['inlining', 'simplify-locals', 'vacuum']);
    }
    flagFailedGrowth(m);
    if (!m.validate()) throw new Error('instrumented module does not validate');
    return m.emitBinary();
  } finally {
    m.dispose();
  }
}

/**
 * Wraps every memory.grow so a failed growth (the cap) sets the exported OOM flag: the host can
 * then tell a memory-limit breach from any other trap. Uses binaryen's instrument-memory pass
 * restricted to memory.grow, then replaces its hook imports by internal functions.
 */
function flagFailedGrowth(m: binaryen.Module): void {
  const names = (): binaryen.FunctionInfo[] => {
    const out: binaryen.FunctionInfo[] = [];
    for (let i = 0; i < m.getNumFunctions(); i++) out.push(binaryen.getFunctionInfo(m.getFunctionByIndex(i)));
    return out;
  };
  const before = new Set(names().map((f) => f.name));
  binaryen.setPassArgument('instrument-memory', 'memory.grow');
  m.runPasses(['instrument-memory']);
  const added = names().filter((f) => !before.has(f.name) && f.module === 'env' && GROW_HOOKS.has(f.base ?? ''));
  m.addGlobal(OOM_EXPORT, binaryen.i32, true, m.i32.const(0));
  m.addGlobalExport(OOM_EXPORT, OOM_EXPORT);
  const i32x2 = binaryen.createType([binaryen.i32, binaryen.i32]);
  for (const f of added) {
    m.removeFunction(f.name);
    if (f.base === 'memory_grow_pre') m.addFunction(f.name, i32x2, binaryen.i32, [], m.local.get(1, binaryen.i32));
    if (f.base === 'memory_grow_post') {
      m.addFunction(f.name, i32x2, binaryen.i32, [], m.block(null, [
        m.if(m.i32.eq(m.local.get(1, binaryen.i32), m.i32.const(-1)), m.global.set(OOM_EXPORT, m.i32.const(1))),
        m.local.get(1, binaryen.i32),
      ], binaryen.i32));
    }
  }
}

function readLeb(b: Uint8Array, pos: number): [value: number, next: number] {
  let result = 0;
  let shift = 0;
  for (;;) {
    const byte = b[pos++]!;
    result += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return [result, pos];
    shift += 7;
  }
}

function writeLeb(out: number[], v: number): void {
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
