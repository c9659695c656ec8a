/**
 * Stream control (ABI reference §3.4): continue / close a paused stream and local responses.
 * Effects are deferred by the filter layer until the running callback returns, as in Envoy.
 */
import { StreamType, WasmResult } from './abi.js';
import type { HostEnv, StreamContext } from './context.js';
import { decodePairsFlat } from './pairs.js';

function stream(env: HostEnv): StreamContext | undefined {
  const ctx = env.effective ?? env.current;
  return ctx?.kind === 'stream' && !ctx.deleted ? ctx : undefined;
}

/** Continue / close stream (0.2.x and 0.1.0 forms) and proxy_send_local_response. */
export function streamImports(env: HostEnv): Record<string, Function> {
  const { mem } = env;
  const cont = (type: number): number => {
    if (type < 0 || type > 3) return WasmResult.BadArgument;
    const s = stream(env);
    if (!s) return WasmResult.BadArgument;
    if (type > StreamType.Response && !s.host.network) return WasmResult.Unimplemented;
    return s.host.continueStream(type);
  };
  return {
    proxy_continue_stream: cont,
    proxy_continue_request: () => cont(StreamType.Request),
    proxy_continue_response: () => cont(StreamType.Response),
    proxy_clear_route_cache: () => WasmResult.Ok, // routes are recomputed whenever headers changed
    proxy_close_stream(type: number): number {
      if (type < 0 || type > 3) return WasmResult.BadArgument;
      const s = stream(env);
      if (!s) return WasmResult.BadArgument;
      if (type > StreamType.Response && !s.host.network) return WasmResult.Unimplemented;
      return s.host.closeStream(type);
    },
    proxy_send_local_response(status: number, dp: number, dn: number, bp: number, bn: number,
      hp: number, hn: number, grpc: number): number {
      if (!mem.ok(dp, dn) || !mem.ok(bp, bn) || !mem.ok(hp, hn)) return WasmResult.InvalidMemoryAccess;
      const s = stream(env);
      if (!s) return WasmResult.BadArgument;
      const code = status >>> 0;
      if (code < 100 || code > 999) return WasmResult.BadArgument;
      const details = mem.utf8(dp, dn).replace(/\s/g, '_');
      const headers = decodePairsFlat(mem.view(hp, hn));
      return s.host.sendLocalResponse(code, details, mem.copy(bp, bn), headers, grpc | 0);
    },
  };
}
