/**
 * The two ends of every stream, shared by the no-filter and filter paths: what is known about
 * the downstream connection when a request starts, and the access log line and metrics when it
 * ends.
 */
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { HttpListenerContext, ListenerSnapshot } from './context.js';
import type { DownstreamTlsInfo, StreamInfo } from './stream-info.js';

const kConnectionId = Symbol('sluice.connectionId');
const kTls = Symbol('sluice.downstreamTls');
type TaggedSocket = Socket & { [kConnectionId]?: number; [kTls]?: DownstreamTlsInfo };

/** Numbers a downstream connection when it is accepted (the listener keeps the counter). */
export function tagConnection(socket: Socket, id: number): void {
  (socket as TaggedSocket)[kConnectionId] = id;
}

/** Attaches a connection's TLS facts (host/listener, after the handshake) for its requests. */
export function tagConnectionTls(socket: object, tls: DownstreamTlsInfo): void {
  (socket as TaggedSocket)[kTls] = tls;
}

/** The TLS facts attached to a connection, if any. */
export function connectionTls(socket: unknown): DownstreamTlsInfo | undefined {
  return (socket as TaggedSocket | undefined)?.[kTls];
}

/** Fills the downstream part of `info` from the request and its socket. */
export function fillDownstream(
  info: StreamInfo,
  req: IncomingMessage,
  scheme: 'http' | 'https',
  method: string,
  path: string,
  authority: string,
): void {
  const s = req.socket as TaggedSocket;
  info.method = method;
  info.path = path;
  info.authority = authority;
  info.scheme = scheme;
  info.protocol = req.httpVersionMajor === 2 ? 'HTTP/2' : req.httpVersionMinor === 0 ? 'HTTP/1.0' : 'HTTP/1.1';
  info.connectionId = s[kConnectionId] ?? 0;
  info.downstreamTls = s[kTls];
  info.downstreamRemoteAddress = s.remoteAddress ?? '';
  info.downstreamRemotePort = s.remotePort ?? 0;
  info.downstreamLocalAddress = s.localAddress ?? '';
  info.downstreamLocalPort = s.localPort ?? 0;
}

type MaybeH2Request = IncomingMessage & { stream?: { endAfterHeaders?: boolean } };

/**
 * Whether a request body follows. HTTP/1.1 says so in its headers (Content-Length,
 * Transfer-Encoding: `fromHeaders`); HTTP/2 by the absence of END_STREAM on HEADERS, which an
 * h2 request without content-length (every gRPC call) relies on.
 */
export function bodyFollows(req: IncomingMessage, fromHeaders: boolean): boolean {
  if (req.httpVersionMajor !== 2) return fromHeaders;
  return (req as MaybeH2Request).stream?.endAfterHeaders !== true;
}

/** The stream is over: one access log line, the request metric, drain bookkeeping. */
export function finishStream(info: StreamInfo, ctx: HttpListenerContext, snap: ListenerSnapshot): void {
  snap.accessLog.write(info);
  snap.metrics.downstreamRequest(ctx.name, info.responseCode, performance.now() - info.startTime);
  ctx.streamEnded();
}
