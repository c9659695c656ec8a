/**
 * Load-time checks of a compiled module: which proxy-wasm ABI it speaks (from its
 * `proxy_abi_version_X_Y_Z` export), and whether every import it asks for is one the ABI (or
 * WASI, or a known toolchain helper) defines. Runs once per file, never per request.
 */
import { ALL_PROXY_FUNCTIONS, ENV_EXTRAS, WASI_MODULES, type AbiVersion } from './abi.js';
import { WASI_FUNCTIONS } from './imports-wasi.js';

const MARKER = /^proxy_abi_version_(\d+)_(\d+)_(\d+)$/;
const KNOWN: Record<string, AbiVersion> = {
  proxy_abi_version_0_1_0: '0.1.0',
  proxy_abi_version_0_2_0: '0.2.0',
  proxy_abi_version_0_2_1: '0.2.1',
};

/** What the host learned about a module before instantiating it. */
export interface ModuleShape {
  abi: AbiVersion;
  /** Names of every exported function (callbacks are called only when present). */
  exports: ReadonlySet<string>;
  imports: readonly WebAssembly.ModuleImportDescriptor[];
}

/** The module's ABI version; throws when the marker is missing or unknown (first marker wins). */
export function detectAbi(module: WebAssembly.Module): AbiVersion {
  for (const e of WebAssembly.Module.exports(module)) {
    if (e.kind !== 'function' || !MARKER.test(e.name)) continue;
    const v = KNOWN[e.name];
    if (!v) throw new Error(`unsupported proxy-wasm ABI version export ${e.name} (supported: 0.1.0, 0.2.0, 0.2.1)`);
    return v;
  }
  throw new Error('missing proxy-wasm ABI version export (proxy_abi_version_0_1_0, _0_2_0 or _0_2_1): not a proxy-wasm module');
}

/** Throws naming every import the ABI does not define, and any non-function import. */
export function checkImports(module: WebAssembly.Module): void {
  const unknown: string[] = [];
  for (const imp of WebAssembly.Module.imports(module)) {
    const name = `${imp.module}.${imp.name}`;
    if (imp.kind !== 'function') {
      unknown.push(`${name} (${imp.kind})`);
      continue;
    }
    if (imp.module === 'env' && (ALL_PROXY_FUNCTIONS.has(imp.name) || ENV_EXTRAS.has(imp.name))) continue;
    if (WASI_MODULES.has(imp.module) && WASI_FUNCTIONS.has(imp.name)) continue;
    unknown.push(name);
  }
  if (unknown.length) throw new Error(`module imports what the proxy-wasm ABI does not provide: ${unknown.join(', ')}`);
}

/** detectAbi + checkImports + export list, for a compiled module. */
export function inspectModule(module: WebAssembly.Module): ModuleShape {
  const abi = detectAbi(module);
  checkImports(module);
  const exports = new Set<string>();
  for (const e of WebAssembly.Module.exports(module)) if (e.kind === 'function') exports.add(e.name);
  return { abi, exports, imports: WebAssembly.Module.imports(module) };
}
