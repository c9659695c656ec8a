/**
 * Header and trailer map host functions (ABI reference §3.3), with Envoy's statuses:
 * bad map type → BadArgument; unavailable map → OK + empty for get_pairs, BadArgument otherwise;
 * missing key → NotFound (0.2.x) or OK + "" (0.1.0). Maps are serialized only when asked for,
 * straight into guest memory.
 */
import type { HeaderMap } from '../http/header-map.js';
import { MAP_TYPE_MAX, WasmResult } from './abi.js';
import type { HostEnv } from './context.js';
import { decodePairsFlat, pairsSize, writePairs } from './pairs.js';

/**
 * The map of `type` for the effective context: undefined when unavailable, null for a bad type.
 * `write`: for a modification (Envoy's getMap, which may add trailers, vs getConstMap).
 */
function mapOf(env: HostEnv, type: number, write = false): HeaderMap | undefined | null {
  if (type < 0 || type > MAP_TYPE_MAX) return null;
  if (type === 6) return env.callResponse?.headers;
  if (type === 7) return env.callResponse?.trailers;
  if (type > 3) return undefined; // gRPC metadata: no gRPC calls are made
  const ctx = env.effective ?? env.current;
  return ctx?.kind === 'stream' && !ctx.deleted ? ctx.host.map(type, write) : undefined;
}

/** The seven header-map host functions. */
export function mapImports(env: HostEnv): Record<string, Function> {
  const { mem } = env;
  const legacyMissing = env.abi === '0.1.0';
  return {
    proxy_get_header_map_size(type: number, out: number): number {
      const map = mapOf(env, type);
      if (!map) return WasmResult.BadArgument;
      if (!mem.ok(out, 4)) return WasmResult.InvalidMemoryAccess;
      mem.setU32(out, map.byteSize());
      return WasmResult.Ok;
    },
    proxy_get_header_map_pairs(type: number, out: number, outLen: number): number {
      const map = mapOf(env, type);
      if (map === null) return WasmResult.BadArgument;
      if (!mem.ok(out, 4) || !mem.ok(outLen, 4)) return WasmResult.InvalidMemoryAccess;
      const flat = map?.raw() ?? [];
      if (flat.length === 0) return mem.give(out, outLen, 0, () => {}) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
      const ok = mem.give(out, outLen, pairsSize(flat), (buf, at) => writePairs(flat, buf, at));
      return ok ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
    },
    proxy_set_header_map_pairs(type: number, ptr: number, len: number): number {
      const map = mapOf(env, type, type < 6);
      if (!map || type >= 6) return WasmResult.BadArgument;
      if (!mem.ok(ptr, len)) return WasmResult.InvalidMemoryAccess;
      const flat = decodePairsFlat(mem.view(ptr, len));
      const pairs: [string, string][] = [];
      for (let i = 0; i < flat.length; i += 2) pairs.push([flat[i]!, flat[i + 1]!]);
      map.replaceAll(pairs);
      return WasmResult.Ok;
    },
    proxy_get_header_map_value(type: number, kp: number, kl: number, out: number, outLen: number): number {
      const map = mapOf(env, type);
      if (!map) return WasmResult.BadArgument;
      if (!mem.ok(kp, kl) || !mem.ok(out, 4) || !mem.ok(outLen, 4)) return WasmResult.InvalidMemoryAccess;
      const v = map.get(mem.latin1(kp, kl));
      if (v === undefined) {
        if (!legacyMissing) return WasmResult.NotFound;
        return mem.give(out, outLen, 0, () => {}) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
      }
      return mem.giveLatin1(out, outLen, v) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
    },
    proxy_add_header_map_value(type: number, kp: number, kl: number, vp: number, vl: number): number {
      const map = mapOf(env, type, type < 6);
      if (!map || type >= 6) return WasmResult.BadArgument;
      if (!mem.ok(kp, kl) || !mem.ok(vp, vl)) return WasmResult.InvalidMemoryAccess;
      map.add(mem.latin1(kp, kl), mem.latin1(vp, vl));
      return WasmResult.Ok;
    },
    proxy_replace_header_map_value(type: number, kp: number, kl: number, vp: number, vl: number): number {
      const map = mapOf(env, type, type < 6);
      if (!map || type >= 6) return WasmResult.BadArgument;
      if (!mem.ok(kp, kl) || !mem.ok(vp, vl)) return WasmResult.InvalidMemoryAccess;
      map.set(mem.latin1(kp, kl), mem.latin1(vp, vl));
      return WasmResult.Ok;
    },
    proxy_remove_header_map_value(type: number, kp: number, kl: number): number {
      const map = mapOf(env, type, type < 6);
      if (!map || type >= 6) return WasmResult.BadArgument;
      if (!mem.ok(kp, kl)) return WasmResult.InvalidMemoryAccess;
      map.remove(mem.latin1(kp, kl));
      return WasmResult.Ok;
    },
  };
}
