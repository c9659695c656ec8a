/**
 * Assembles the import object for one VM: the real host functions of the module's ABI version,
 * Unimplemented stubs for ABI names of other versions, WASI under both module names, and the
 * init / allocator restrictions of proxy-wasm-cpp-host (a forbidden host call fails the VM).
 */
import { ALL_PROXY_FUNCTIONS, proxyFunctionsFor, WasmResult } from './abi.js';
import { Restriction, type HostEnv } from './context.js';
import { RestrictedCallback } from './errors.js';
import { bufferImports } from './imports-buffers.js';
import { httpCallImports } from './imports-http-call.js';
import { logTimeImports } from './imports-log-time.js';
import { mapImports } from './imports-maps.js';
import { propertyImports } from './imports-properties.js';
import { metricImports, sharedImports } from './imports-shared.js';
import { streamImports } from './imports-stream.js';
import { wasiImports } from './imports-wasi.js';

/** Allowed during module init (besides WASI and toolchain helpers). */
const INIT_ALLOWED = new Set(['proxy_log']);
/** Allowed inside the guest allocator. */
const ALLOC_ALLOWED = new Set(['proxy_log', 'fd_write', 'clock_time_get', 'poll_oneoff', 'abort']);
const HELPERS = new Set(['abort', 'trace', 'seed', 'Date.now', 'emscripten_notify_memory_growth', 'pthread_equal']);

type Fn = (...args: never[]) => unknown;

function guard(env: HostEnv, name: string, fn: Fn, initOk: boolean, allocOk: boolean): Function {
  const f = fn as unknown as (a: unknown, b: unknown, c: unknown, d: unknown, e: unknown, g: unknown, h: unknown,
    i: unknown, j: unknown, k: unknown, l: unknown, m: unknown) => unknown;
  return (a: unknown, b: unknown, c: unknown, d: unknown, e: unknown, g: unknown, h: unknown, i: unknown,
    j: unknown, k: unknown, l: unknown, m: unknown) => {
    const r = env.restricted;
    if (r !== Restriction.None && (r === Restriction.Init ? !initOk : !allocOk)) {
      throw new RestrictedCallback(`${name} called during ${r === Restriction.Init ? 'module initialization' : 'memory allocation'}`);
    }
    return f(a, b, c, d, e, g, h, i, j, k, l, m);
  };
}

/** Import object for `module` (only the names it imports are bound). */
export function buildImports(env: HostEnv, module: WebAssembly.Module): WebAssembly.Imports {
  const real: Record<string, Function> = {
    ...logTimeImports(env), ...mapImports(env), ...bufferImports(env), ...propertyImports(env),
    ...httpCallImports(env), ...sharedImports(env), ...metricImports(env), ...streamImports(env),
  };
  const wasi = wasiImports(env);
  const own = proxyFunctionsFor(env.abi);
  const out: Record<string, Record<string, Function>> = {};
  for (const imp of WebAssembly.Module.imports(module)) {
    if (imp.kind !== 'function') continue;
    let fn: Function | undefined;
    if (imp.module === 'env') {
      if (own.has(imp.name) || HELPERS.has(imp.name)) fn = real[imp.name];
      else if (ALL_PROXY_FUNCTIONS.has(imp.name)) fn = () => WasmResult.Unimplemented;
    } else fn = wasi[imp.name];
    if (!fn) continue; // inspectModule already refused unknown imports
    const initOk = imp.module !== 'env' || INIT_ALLOWED.has(imp.name) || HELPERS.has(imp.name);
    const allocOk = ALLOC_ALLOWED.has(imp.name) || (imp.module === 'env' && HELPERS.has(imp.name));
    (out[imp.module] ??= {})[imp.name] = initOk && allocOk ? fn : guard(env, imp.name, fn as Fn, initOk, allocOk);
  }
  return out as WebAssembly.Imports;
}
