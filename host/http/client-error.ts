/**
 * Requests the connection manager never runs: what node:http could not parse ('clientError':
 * 400 malformed, 431 headers too large, 408 too slow), an Expect it does not support
 * ('checkExpectation': 417) and CONNECT ('connect': 405, there is no tunnel config). Each gets a
 * short text/plain reply, an access log line and the request metric, like any local reply, and
 * the connection is closed: after a framing error, or with a body left unread, the byte stream
 * can no longer be trusted to frame a next request.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { HttpListenerContext } from './context.js';
import { newStreamInfo, type StreamInfo } from './stream-info.js';
import { fillDownstream } from './stream-lifecycle.js';

const REASONS: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  417: 'Expectation Failed',
  431: 'Request Header Fields Too Large',
};

/** Status for a node:http client error code. */
export function clientErrorStatus(code: string | undefined): number {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return 431;
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return 408;
    default:
      return 400;
  }
}

/** Response flag and details logged for a client error (DPE: downstream protocol error, as Envoy). */
export function clientErrorOutcome(status: number): { flag: string | undefined; details: string } {
  if (status === 431) return { flag: 'DPE', details: 'request_headers_too_large' };
  if (status === 408) return { flag: undefined, details: 'request_overall_timeout' };
  return { flag: 'DPE', details: 'http1.codec_error' };
}

type SocketWithMessage = Socket & { _httpMessage?: { headersSent?: boolean } | null };

const EDGE_STATUS = Symbol('sluice.edgeStatus');
type EdgeMarked = { [EDGE_STATUS]?: number };

/**
 * The status node's server answered an in-flight request with itself (408 for a body that
 * stalled past request_timeout), or undefined: the pipeline logs that instead of a DC.
 */
export function edgeReplyStatus(res: object): number | undefined {
  return (res as EdgeMarked)[EDGE_STATUS];
}

/** The 'clientError' listener for one listener's server: a short reply, counted and logged. */
function clientErrorHandler(ctx: HttpListenerContext): (err: Error, socket: Socket) => void {
  return (err, socket) => {
    const code = (err as { code?: string }).code;
    // The peer went away, or half a request was cut off: nobody to answer.
    if (code === 'ECONNRESET' || code === 'HPE_INVALID_EOF_STATE' || !socket.writable) {
      socket.destroy();
      return;
    }
    // A response of an earlier (pipelined) request is mid-flight: a new status line can't follow.
    const inFlight = (socket as SocketWithMessage)._httpMessage;
    if (inFlight && inFlight.headersSent) {
      socket.destroy();
      return;
    }
    const status = clientErrorStatus(code);
    const body = `${REASONS[status]!.toLowerCase()}\n`;
    // A request the pipeline already runs (a body that stalled past request_timeout) is counted
    // and logged by the pipeline when this reply closes its connection: one line per request.
    if (inFlight) {
      (inFlight as EdgeMarked)[EDGE_STATUS] = status;
      endRaw(socket, status, body);
      return;
    }
    const info = socketInfo(ctx.name, socket);
    requestLine(info, (err as { rawPacket?: unknown }).rawPacket);
    const { flag, details } = clientErrorOutcome(status);
    if (flag !== undefined) info.responseFlags.push(flag);
    info.responseCodeDetails = details;
    info.responseCode = status;
    info.bytesSent = body.length;
    record(ctx, info);
    endRaw(socket, status, body);
  };
}

/** Wires the replies above (malformed requests, Expect, CONNECT) on a listener's HTTP/1.1 server. */
export function installEdgeReplies(server: Server, ctx: HttpListenerContext): void {
  server.on('clientError', clientErrorHandler(ctx));
  server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) => {
    const info = requestInfo(ctx, req);
    info.responseFlags.push('LR');
    info.responseCodeDetails = 'expectation_failed';
    writeReply(ctx, info, res, 417);
  });
  server.on('connect', (req: IncomingMessage, socket: Socket) => {
    const info = requestInfo(ctx, req);
    info.responseFlags.push('LR');
    info.responseCodeDetails = 'connect_not_supported';
    const body = `${REASONS[405]!.toLowerCase()}\n`;
    info.responseCode = 405;
    info.bytesSent = body.length;
    record(ctx, info);
    endRaw(socket, 405, body);
  });
}

/**
 * A local reply for a parsed request the pipeline is not run for (bad Host, unsupported Expect):
 * `info` carries the flag and details; the connection closes after it.
 */
export function writeReply(ctx: HttpListenerContext, info: StreamInfo, res: ServerResponse, status: number): void {
  const body = `${(REASONS[status] ?? 'error').toLowerCase()}\n`;
  info.responseCode = status;
  info.bytesSent = body.length;
  record(ctx, info);
  try {
    res.writeHead(status, { 'content-type': 'text/plain', 'content-length': String(body.length), connection: 'close' });
    res.end(body);
  } catch {
    res.destroy();
  }
}

/** StreamInfo for a parsed request, filled as the pipeline would fill it. */
export function requestInfo(ctx: HttpListenerContext, req: IncomingMessage): StreamInfo {
  const info = newStreamInfo(ctx.name);
  const scheme = (req.socket as Partial<TLSSocket>).encrypted === true ? 'https' : 'http';
  const host = req.headers.host;
  fillDownstream(info, req, scheme, req.method ?? '', req.url ?? '', typeof host === 'string' ? host : '');
  const id = req.headers['x-request-id'];
  if (typeof id === 'string') info.requestId = id;
  return info;
}

function record(ctx: HttpListenerContext, info: StreamInfo): void {
  const snap = ctx.snapshot;
  snap.accessLog.write(info);
  snap.metrics.downstreamRequest(ctx.name, info.responseCode, performance.now() - info.startTime);
}

function socketInfo(listenerName: string, socket: Socket): StreamInfo {
  const info = newStreamInfo(listenerName);
  info.downstreamRemoteAddress = socket.remoteAddress ?? '';
  info.downstreamRemotePort = socket.remotePort ?? 0;
  info.downstreamLocalAddress = socket.localAddress ?? '';
  info.downstreamLocalPort = socket.localPort ?? 0;
  if ((socket as Partial<TLSSocket>).encrypted === true) info.scheme = 'https';
  return info;
}

/** Method and target from the bytes llhttp rejected, when its request line is there and sane. */
function requestLine(info: StreamInfo, raw: unknown): void {
  if (!Buffer.isBuffer(raw)) return;
  const eol = raw.indexOf('\r\n');
  const line = raw.subarray(0, eol < 0 ? Math.min(raw.length, 2048) : Math.min(eol, 2048)).toString('latin1');
  const m = /^([A-Z]{1,20}) (\S{1,2000}) HTTP\/1\.([01])$/.exec(line);
  if (m === null) return;
  info.method = m[1]!;
  info.path = m[2]!;
  info.protocol = m[3] === '0' ? 'HTTP/1.0' : 'HTTP/1.1';
}

function endRaw(socket: Socket, status: number, body: string): void {
  socket.end(
    `HTTP/1.1 ${status} ${REASONS[status]}\r\ncontent-type: text/plain\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`,
  );
  // end() flushes then closes; destroy a peer that never reads so the socket can't linger.
  socket.setTimeout(5000, () => socket.destroy());
}
