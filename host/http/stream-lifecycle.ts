/**
 * The two ends of every stream, shared by the no-filter and filter paths: what is known about
 * the downstream connection when a request starts, and the access log line and metrics when it
 * ends.
 */
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { HttpListenerContext, ListenerSnapshot } from './context.js';
import type { StreamInfo } from './stream-info.js';

const kConnectionId = Symbol('sluice.connectionId');
type TaggedSocket = Socket & { [kConnectionId]?: number };

/** Numbers a downstream connection when it is accepted (the listener keeps the counter). */
export function tagConnection(socket: Socket, id: number): void {
  (socket as TaggedSocket)[kConnectionId] = id;
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
  info.protocol = req.httpVersionMinor === 0 ? 'HTTP/1.0' : 'HTTP/1.1';
  info.connectionId = s[kConnectionId] ?? 0;
  info.downstreamRemoteAddress = s.remoteAddress ?? '';
  info.downstreamRemotePort = s.remotePort ?? 0;
  info.downstreamLocalAddress = s.localAddress ?? '';
  info.downstreamLocalPort = s.localPort ?? 0;
}

/** The stream is over: one access log line, the request metric, drain bookkeeping. */
export function finishStream(info: StreamInfo, ctx: HttpListenerContext, snap: ListenerSnapshot): void {
  snap.accessLog.write(info);
  snap.metrics.downstreamRequest(ctx.name, info.responseCode, performance.now() - info.startTime);
  ctx.streamEnded();
}
