/**
 * proxy_http_call (ABI reference §3.4): a request to a configured cluster, answered later with
 * proxy_on_http_call_response on the root context. As Envoy's async client (its router answers
 * for the upstream), a call that finds no endpoint, cannot connect or times out before the
 * response headers gets a 503 / 503 / 504 response like any other; only a reset (or a timeout
 * once the response started) arrives as (0, 0, 0) with proxy_get_status = BrokenConnection
 * "reset". gRPC calls are Unimplemented.
 */
import type { Dispatcher } from 'undici';
import { HeaderMap } from '../http/header-map.js';
import { classifyUpstreamError } from '../http/upstream-failure.js';
import type { Cluster } from '../upstream/contract.js';
import { WasmResult } from './abi.js';
import type { CallResponse, HostEnv } from './context.js';
import { decodePairsFlat } from './pairs.js';

/** Envoy's router texts for the failures it answers itself. */
const NO_HEALTHY = 'no healthy upstream';
const CONNECT_FAILED = 'upstream connect error or disconnect/reset before headers. reset reason: connection failure';
const CONNECT_TIMEOUT = 'upstream connect error or disconnect/reset before headers. reset reason: connection timeout';
const TIMEOUT = 'upstream request timeout';

/** A response the router made up (Envoy's local reply: status, content-length, content-type). */
function routerReply(status: number, text: string): CallResponse {
  const body = Buffer.from(text);
  const headers = new HeaderMap([':status', String(status), 'content-length', String(body.length), 'content-type', 'text/plain']);
  headers.modified = false;
  return { headers, body, trailers: new HeaderMap() };
}

/** Sends the call through the cluster's chosen endpoint; resolves with the whole response or 'reset'. */
async function send(cluster: Cluster, flat: string[], body: Buffer, signal: AbortSignal): Promise<CallResponse | 'reset'> {
  const ep = cluster.chooseEndpoint(undefined);
  if (!ep) return routerReply(503, NO_HEALTHY);
  let method = 'GET';
  let path = '/';
  const headers: string[] = [];
  for (let i = 0; i < flat.length; i += 2) {
    const k = flat[i]!.toLowerCase();
    const v = flat[i + 1]!;
    if (k === ':method') method = v;
    else if (k === ':path') path = v;
    else if (k === ':authority') headers.push('host', v);
    else if (!k.startsWith(':') && k !== 'content-length') headers.push(k, v);
  }
  if (body.length || method !== 'GET') headers.push('content-length', String(body.length));
  cluster.onRequestStart(ep);
  let started = false;
  try {
    const res = await ep.dispatcher.request({ path, method, headers, body: body.length ? body : null, signal } as Dispatcher.RequestOptions);
    started = true;
    const respBody = Buffer.from(await res.body.arrayBuffer());
    const h = new HeaderMap([':status', String(res.statusCode)]);
    for (const [k, v] of Object.entries(res.headers)) {
      if (Array.isArray(v)) v.forEach((x) => h.add(k, x));
      else if (v !== undefined) h.add(k, v);
    }
    const t = new HeaderMap();
    for (const [k, v] of Object.entries(res.trailers ?? {})) if (typeof v === 'string') t.add(k, v);
    h.modified = false;
    cluster.onRequestEnd(ep, 'ok');
    return { headers: h, body: respBody, trailers: t };
  } catch (err) {
    // Once the response started, the router can only reset the stream.
    const outcome = signal.aborted ? 'timeout' : classifyUpstreamError(err, started);
    cluster.onRequestEnd(ep, outcome);
    if (started) return 'reset';
    if (outcome === 'timeout') return routerReply(504, TIMEOUT);
    if (outcome === 'connect_failure') {
      const code = (err as { code?: unknown } | null)?.code;
      return routerReply(503, code === 'UND_ERR_CONNECT_TIMEOUT' ? CONNECT_TIMEOUT : CONNECT_FAILED);
    }
    return 'reset';
  }
}

/** proxy_http_call, and the gRPC functions as Unimplemented. */
export function httpCallImports(env: HostEnv): Record<string, Function> {
  const { mem } = env;
  let nextToken = 4;
  const unimplemented = (): number => WasmResult.Unimplemented;
  return {
    proxy_http_call(up: number, upn: number, hp: number, hn: number, bp: number, bn: number,
      tp: number, tn: number, timeoutMs: number, tokenOut: number): number {
      if (!mem.ok(up, upn) || !mem.ok(hp, hn) || !mem.ok(bp, bn) || !mem.ok(tp, tn) || !mem.ok(tokenOut, 4)) {
        return WasmResult.InvalidMemoryAccess;
      }
      const cluster = env.services.clusters?.get(mem.utf8(up, upn));
      if (!cluster) return WasmResult.BadArgument;
      const flat = decodePairsFlat(mem.view(hp, hn));
      const names = new Set<string>();
      for (let i = 0; i < flat.length; i += 2) names.add(flat[i]!.toLowerCase());
      if (!names.has(':method') || !names.has(':path') || !names.has(':authority')) return WasmResult.BadArgument;
      const ctx = env.effective ?? env.current;
      const root = ctx?.kind === 'stream' ? ctx.root : ctx ?? env.root;
      if (!root || root.deleted) return WasmResult.BadArgument;
      const token = nextToken;
      nextToken = nextToken >= 0x7fff_fff0 ? 4 : nextToken + 4;
      mem.setU32(tokenOut, token);
      const body = mem.copy(bp, bn);
      const abort = new AbortController();
      root.calls.set(token, abort);
      if (ctx?.kind === 'stream') (ctx.calls ??= []).push(token);
      const ms = timeoutMs >>> 0;
      const timer = ms > 0 ? setTimeout(() => abort.abort(), ms) : undefined;
      timer?.unref();
      const finish = (res: CallResponse | 'reset'): void => {
        if (timer) clearTimeout(timer);
        if (!root.calls.delete(token)) return; // cancelled: the VM, root or stream went away
        if (ctx?.kind === 'stream' && ctx.calls) ctx.calls.splice(ctx.calls.indexOf(token) >>> 0, 1);
        try {
          env.ops.httpCallDone(root, token, res);
        } catch (err) {
          // Never an unhandled rejection: log and drop (the VM call itself already catches traps).
          env.log.error(`wasm filter ${env.plugin.name}: http_call response delivery failed: ${(err as Error).message}`);
        }
      };
      send(cluster, flat, body, abort.signal).then(finish, () => finish('reset'));
      return WasmResult.Ok;
    },
    proxy_grpc_call: unimplemented,
    proxy_grpc_stream: unimplemented,
    proxy_grpc_send: unimplemented,
    proxy_grpc_cancel: unimplemented,
    proxy_grpc_close: unimplemented,
  };
}
