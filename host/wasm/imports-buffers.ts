/**
 * Buffer host functions (ABI reference §3.2): request/response bodies (the filter layer decides
 * what is visible: the chunk, or everything buffered so far), VM and plugin configuration, and
 * the http_call response body. Writes follow Envoy: prepend, replace-all or append only;
 * immutable buffers → BadArgument; unavailable → NotFound.
 */
import { BUFFER_TYPE_MAX, BufferType, WasmResult } from './abi.js';
import type { BodyRef, HostEnv } from './context.js';

/** Readable bytes of buffer `type`; null for a bad type, undefined when unavailable. */
function readable(env: HostEnv, type: number): Buffer | undefined | null {
  if (type < 0 || type > BUFFER_TYPE_MAX) return null;
  switch (type) {
    case BufferType.RequestBody:
    case BufferType.ResponseBody:
    case BufferType.DownstreamData:
    case BufferType.UpstreamData:
      return writable(env, type)?.buf;
    case BufferType.HttpCallResponseBody:
      return env.callResponse?.body;
    case BufferType.VmConfiguration:
      return env.plugin.vmConfiguration;
    case BufferType.PluginConfiguration:
      return env.callback === 'proxy_on_configure' ? env.plugin.configuration : undefined;
    default:
      return undefined; // gRPC messages, foreign-function call data: never present here
  }
}

function writable(env: HostEnv, type: number): BodyRef | undefined {
  const ctx = env.effective ?? env.current;
  return ctx?.kind === 'stream' && !ctx.deleted ? ctx.host.body(type) : undefined;
}

/** proxy_get/set_buffer_bytes, proxy_get_buffer_status, 0.1.0 proxy_get_configuration. */
export function bufferImports(env: HostEnv): Record<string, Function> {
  const { mem } = env;
  return {
    proxy_get_buffer_bytes(type: number, start: number, max: number, out: number, outLen: number): number {
      const buf = readable(env, type);
      if (buf === null) return WasmResult.BadArgument;
      start >>>= 0;
      max >>>= 0;
      if (start + max > 0xffff_ffff) return WasmResult.BadArgument;
      if (buf === undefined) return WasmResult.NotFound;
      if (!mem.ok(out, 4) || !mem.ok(outLen, 4)) return WasmResult.InvalidMemoryAccess;
      const from = Math.min(start, buf.length);
      const to = Math.min(buf.length, from + max);
      return mem.giveBytes(out, outLen, buf.subarray(from, to)) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
    },
    proxy_set_buffer_bytes(type: number, start: number, size: number, ptr: number, len: number): number {
      if (type < 0 || type > BUFFER_TYPE_MAX) return WasmResult.BadArgument;
      if (type > BufferType.UpstreamData) {
        return readable(env, type) === undefined ? WasmResult.NotFound : WasmResult.BadArgument;
      }
      const ref = writable(env, type);
      if (!ref) return WasmResult.NotFound;
      if (!mem.ok(ptr, len)) return WasmResult.InvalidMemoryAccess;
      start >>>= 0;
      size >>>= 0;
      const data = mem.copy(ptr, len);
      const cur = ref.buf;
      if (start === 0 && size === 0) ref.buf = Buffer.concat([data, cur]);
      else if (start === 0 && size >= cur.length) ref.buf = data;
      else if (start >= cur.length) ref.buf = Buffer.concat([cur, data]);
      else return WasmResult.BadArgument;
      ref.modified = true;
      return WasmResult.Ok;
    },
    proxy_get_buffer_status(type: number, lenOut: number, flagsOut: number): number {
      const buf = readable(env, type);
      if (buf === null) return WasmResult.BadArgument;
      if (buf === undefined) return WasmResult.NotFound;
      if (!mem.ok(lenOut, 4) || !mem.ok(flagsOut, 4)) return WasmResult.InvalidMemoryAccess;
      mem.setU32(lenOut, buf.length);
      mem.setU32(flagsOut, 0);
      return WasmResult.Ok;
    },
    /** 0.1.0: plugin configuration during on_configure, else the VM configuration. */
    proxy_get_configuration(out: number, outLen: number): number {
      if (!mem.ok(out, 4) || !mem.ok(outLen, 4)) return WasmResult.InvalidMemoryAccess;
      const buf = env.callback === 'proxy_on_configure' ? env.plugin.configuration : env.plugin.vmConfiguration;
      return mem.giveBytes(out, outLen, buf) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
    },
  };
}
