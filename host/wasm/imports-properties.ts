/**
 * proxy_get_property / proxy_set_property (ABI reference §5.3) with Envoy's value encodings:
 * strings raw, integers 8-byte little-endian, booleans one byte, timestamps and durations as
 * int64 nanoseconds, maps as serialized pairs. Paths are segments joined by NUL; AssemblyScript
 * SDKs also send dotted single segments ("request.path"), accepted as the same path.
 */
import type { HeaderMap } from '../http/header-map.js';
import { socketAddressText, type StreamInfo } from '../http/stream-info.js';
import { WasmResult } from './abi.js';
import type { HostEnv, StreamContext } from './context.js';
import { encodePairs } from './pairs.js';

type Value = Buffer | undefined;

const str = (s: string | undefined): Value => (s === undefined ? undefined : Buffer.from(s));
const socketAddress = (ip: string, port: number): Value => str(socketAddressText(ip, port));
function int(n: number | bigint): Buffer {
  const b = Buffer.allocUnsafe(8);
  b.writeBigInt64LE(BigInt(n));
  return b;
}
const bool = (v: boolean): Buffer => Buffer.from([v ? 1 : 0]);

/** Envoy's map value; a header name as the next segment selects it (comma-joined values). */
function headersValue(map: HeaderMap | undefined, key: string | undefined): Value {
  if (!map) return undefined;
  if (key === undefined) {
    const joined = new Map<string, string>();
    for (const [k, v] of map.entries()) joined.set(k, joined.has(k) ? `${joined.get(k)},${v}` : v);
    return encodePairs(joined);
  }
  const all = map.getAll(key);
  return all.length ? Buffer.from(all.join(','), 'latin1') : undefined;
}

function requestValue(ctx: StreamContext, name: string, arg: string | undefined): Value {
  const info = ctx.host.info;
  const headers = ctx.host.map(0);
  const path = headers?.get(':path') ?? info.path;
  const q = path.indexOf('?');
  switch (name) {
    case 'path': return str(path);
    case 'url_path': return str(q < 0 ? path : path.slice(0, q));
    case 'query': return str(q < 0 ? '' : path.slice(q + 1));
    case 'host': return str(headers?.get(':authority') ?? info.authority);
    case 'scheme': return str(headers?.get(':scheme') ?? info.scheme);
    case 'method': return str(headers?.get(':method') ?? info.method);
    case 'headers': return headersValue(headers, arg);
    case 'headers_bytes': return headers ? int(headers.byteSize()) : undefined;
    case 'referer': return str(headers?.get('referer'));
    case 'useragent': return str(headers?.get('user-agent'));
    case 'id': return str(headers?.get('x-request-id') ?? (info.requestId || undefined));
    case 'protocol': return str(info.protocol);
    case 'time': return int(BigInt(Math.round(info.startWallMs)) * 1_000_000n);
    case 'duration': return int(BigInt(Math.round((performance.now() - info.startTime) * 1e6)));
    case 'size': return int(info.bytesReceived);
    // Envoy: body bytes plus the (uncompressed) header bytes.
    case 'total_size': return int(info.bytesReceived + (headers?.byteSize() ?? 0));
    default: return undefined;
  }
}

function responseValue(ctx: StreamContext, name: string, arg: string | undefined): Value {
  const info = ctx.host.info;
  const headers = ctx.host.map(2);
  switch (name) {
    case 'code': {
      const s = headers?.get(':status');
      return s !== undefined ? int(Number(s)) : info.responseCode ? int(info.responseCode) : undefined;
    }
    case 'code_details': return str(info.responseCodeDetails);
    case 'flags': return int(0);
    case 'headers': return headersValue(headers, arg);
    case 'trailers': return headersValue(ctx.host.map(3), arg);
    case 'headers_bytes': return headers ? int(headers.byteSize()) : undefined;
    case 'size': return int(info.bytesSent);
    case 'total_size': return int(info.bytesSent + (headers?.byteSize() ?? 0) + (ctx.host.map(3)?.byteSize() ?? 0));
    case 'grpc_status': {
      // Trailers first (a normal gRPC response), then headers (trailers-only); absent: not gRPC.
      const g = ctx.host.map(3)?.get('grpc-status') ?? headers?.get('grpc-status');
      return g !== undefined && /^\d+$/.test(g) ? int(Number(g)) : undefined;
    }
    case 'backend_latency': return info.upstreamLatencyMs >= 0 ? int(Math.round(info.upstreamLatencyMs * 1e6)) : undefined;
    default: return undefined;
  }
}

/** connection.* TLS facts (StreamInfo.downstreamTls, filled per connection by the listener). */
function connectionValue(info: StreamInfo, name: string | undefined): Value {
  const t = info.downstreamTls;
  const nonEmpty = (s: string | undefined): Value => (s ? Buffer.from(s) : undefined);
  switch (name) {
    case 'mtls': return bool(t?.mtls ?? false);
    case 'requested_server_name': return str(t?.requestedServerName ?? '');
    case 'tls_version': return nonEmpty(t?.version);
    case 'subject_peer_certificate': return nonEmpty(t?.peerSubject);
    case 'dns_san_peer_certificate': return nonEmpty(t?.peerDnsSans[0]);
    case 'uri_san_peer_certificate': return nonEmpty(t?.peerUriSans[0]);
    case 'sha256_peer_certificate_digest': return nonEmpty(t?.peerSha256);
    case 'peer_certificate': return nonEmpty(t?.peerCertificatePem);
    case 'subject_local_certificate': return nonEmpty(t?.localSubject);
    case 'dns_san_local_certificate': return nonEmpty(t?.localDnsSans[0]);
    case 'uri_san_local_certificate': return nonEmpty(t?.localUriSans[0]);
    default: return undefined;
  }
}

function streamValue(ctx: StreamContext, seg: string[]): Value {
  const info: StreamInfo = ctx.host.info;
  const [top, name, arg] = seg;
  const route = ctx.host.route();
  switch (top) {
    case 'request': return name === undefined ? undefined : requestValue(ctx, name, arg);
    case 'response': return name === undefined ? undefined : responseValue(ctx, name, arg);
    case 'source':
      if (name === 'address') return socketAddress(info.downstreamRemoteAddress, info.downstreamRemotePort);
      return name === 'port' ? int(info.downstreamRemotePort) : undefined;
    case 'destination':
      if (name === 'address') return socketAddress(info.downstreamLocalAddress, info.downstreamLocalPort);
      return name === 'port' ? int(info.downstreamLocalPort) : undefined;
    case 'connection':
      if (name === 'id') return int(info.connectionId);
      if (name === 'termination_details') return str(''); // Sluice records no termination details
      return connectionValue(info, name);
    case 'upstream':
      if (name === 'address') return str(info.upstreamHost);
      if (name === 'port') {
        const p = info.upstreamHost?.split(':').pop();
        return p ? int(Number(p)) : undefined;
      }
      if (name === 'request_attempt_count') return int(info.upstreamAttempts);
      return undefined;
    case 'route_name': return str(route?.name ?? info.routeName);
    case 'virtual_host_name': return str(route?.virtualHostName ?? info.virtualHostName);
    case 'cluster_name': return str(info.clusterName ?? (route?.kind === 'cluster' ? route.clusterNames[0] : undefined));
    case 'xds': return name === undefined ? undefined : streamValue(ctx, [name, arg!]);
    default: return undefined;
  }
}

/** Property value for `path` segments in the effective context, or undefined (NotFound). */
export function propertyValue(env: HostEnv, seg: string[]): Value {
  const ctx = env.effective ?? env.current;
  const key = seg.join('.');
  switch (key) {
    case 'plugin_name': return str(env.plugin.name);
    case 'plugin_root_id': return str(env.plugin.rootId);
    case 'plugin_vm_id': return str(env.plugin.vmId);
    case 'listener_name': case 'xds.listener_name': return str(env.plugin.listenerName);
  }
  if (ctx?.kind !== 'stream' || ctx.deleted) return undefined;
  // Known attributes first (Envoy): set_property cannot shadow them.
  const v = streamValue(ctx, seg);
  if (v !== undefined) return v;
  const state = ctx.host.info.filterState?.get(key);
  return state ? Buffer.from(state) : undefined;
}

function segments(raw: string): string[] {
  const seg = raw.split('\0');
  return seg.length === 1 ? raw.split('.') : seg;
}

/** proxy_get_property and proxy_set_property. */
export function propertyImports(env: HostEnv): Record<string, Function> {
  const { mem } = env;
  return {
    proxy_get_property(p: number, n: number, out: number, outLen: number): number {
      if (!mem.ok(p, n) || !mem.ok(out, 4) || !mem.ok(outLen, 4)) return WasmResult.InvalidMemoryAccess;
      const v = propertyValue(env, segments(mem.utf8(p, n)));
      if (v === undefined) return WasmResult.NotFound;
      return mem.giveBytes(out, outLen, v) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
    },
    proxy_set_property(p: number, n: number, vp: number, vn: number): number {
      if (!mem.ok(p, n) || !mem.ok(vp, vn)) return WasmResult.InvalidMemoryAccess;
      const ctx = env.effective ?? env.current;
      if (ctx?.kind !== 'stream' || ctx.deleted) return WasmResult.NotFound;
      const key = segments(mem.utf8(p, n)).join('.');
      if (key === '') return WasmResult.BadArgument;
      const info = ctx.host.info;
      (info.filterState ??= new Map()).set(key, mem.copy(vp, vn));
      return WasmResult.Ok;
    },
  };
}
