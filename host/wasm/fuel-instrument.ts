/**
 * The binaryen half of metering (see metering.ts): adds the fuel counter, its probes and the
 * memory-growth flag to a module. Loaded only inside the fuel child process (fuel-worker.ts), so
 * binaryen's memory is never part of the gateway process's heap.
 */
import binaryen from 'binaryen';
import { FUEL_EXPORT, MAX_FUEL, OOM_EXPORT } from './metering.js';

const PROBE_MODULE = 'sluice_meter';
const GROW_HOOKS = new Set(['memory_grow_pre', 'memory_grow_post', 'load_ptr', 'load_val_i32', 'load_val_i64',
  'load_val_f32', 'load_val_f64', 'store_ptr', 'store_val_i32', 'store_val_i64', 'store_val_f32', 'store_val_f64']);
/** Wasm features V8 in Node 20 accepts; newer encodings (compact imports, …) must not be emitted. */
function nodeFeatures(): number {
  const F = binaryen.Features;
  return F.MVP | F.Atomics | F.MutableGlobals | F.NontrappingFPToInt | F.SIMD128 | F.BulkMemory | F.SignExt
    | F.ExceptionHandling | F.TailCall | F.ReferenceTypes | F.Multivalue | F.ExtendedConst | F.RelaxedSIMD
    | F.MultiMemory | F.BulkMemoryOpt | F.CallIndirectOverlong;
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

