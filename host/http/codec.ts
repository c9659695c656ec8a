/**
 * The HTTP codec of one listener: hands each accepted connection (plain or TLS-terminated by the
 * listener) to a node:http server (HTTP/1.1) or a node:http2 server (HTTP/2). Both servers are
 * created once per listener and never listen themselves: `server.emit('connection', socket)`
 * gives them a socket. Requests from either reach the same connection manager (handleRequest):
 * node's HTTP/2 compatibility objects have the shape of IncomingMessage / ServerResponse that the
 * pipeline reads, so router, filters and upstream proxy are shared.
 *
 * Which server gets a connection:
 *   - ALPN "h2" → HTTP/2; ALPN "http/1.1", or TLS without ALPN → HTTP/1.1;
 *   - cleartext: `codec: auto` (default) peeks at the first bytes for the HTTP/2 connection
 *     preface (h2c with prior knowledge), then unshifts them; `http1` / `http2` skip the peek.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { installEdgeReplies } from './client-error.js';
import { handleRequest } from './connection-manager.js';
import type { HttpListenerContext } from './context.js';
import { createH2Server, type H2Server, type Http2Limits } from './h2-server.js';
import { SchemedContext } from './schemed-context.js';
import { connectionTls } from './stream-lifecycle.js';
import { handleWebSocket, isWebSocketUpgrade } from './websocket.js';
import { serveIgnoringUpgrade } from './upgrade-fallback.js';
import type { Duplex } from 'node:stream';

export type CodecMode = 'auto' | 'http1' | 'http2';

/** Per-listener codec settings (already defaulted by the listener; absent ones get defaults here). */
export interface HttpCodecOptions {
  /** Cleartext protocol detection. Default auto. */
  codec?: CodecMode;
  /** Request line + headers, bytes (HTTP/1.1) and the h2 max header list size. Default 60 KiB. */
  maxHeaderSize?: number;
  /** Default 10 s; also bounds the wait for a cleartext connection's first bytes. */
  headersTimeoutMs?: number;
  /** Default 300 s. */
  requestTimeoutMs?: number;
  /** Keep-alive idle (HTTP/1.1) and session idle (HTTP/2) time. Default 60 s. */
  idleTimeoutMs?: number;
  /** How often node checks HTTP/1.1 header/request timeouts. Default 1 s. */
  checkIntervalMs?: number;
  http2?: Http2Limits;
}

/** What a listener holds for its HTTP connections. */
export interface HttpCodec {
  /** Takes over an accepted (and, for TLS, handshaken) connection. Never throws. */
  serve(socket: Socket | TLSSocket, info: { alpn: string | false | null | undefined; tls: boolean }): void;
  /** Drain: idle HTTP/1.1 keep-alive connections close; HTTP/2 sessions get GOAWAY and close once their streams end. */
  closeIdle(): void;
  /** Hard stop: every connection is closed now. */
  close(): void;
  /** The underlying servers (tests, metrics). */
  readonly http1: Server;
  readonly http2: H2Server;
}

/** The HTTP/2 client connection preface (RFC 9113 §3.4). */
const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

export function createHttpCodec(ctx: HttpListenerContext, options: HttpCodecOptions = {}): HttpCodec {
  const mode = options.codec ?? 'auto';
  const maxHeaderSize = options.maxHeaderSize ?? 60 * 1024;
  const headersTimeoutMs = options.headersTimeoutMs ?? 10_000;
  const idleTimeoutMs = options.idleTimeoutMs ?? 60_000;
  // A TLS connection's requests are https whatever the listener's default scheme says.
  const plainCtx = ctx.scheme === 'http' ? ctx : new SchemedContext(ctx, 'http');
  const tlsCtx = ctx.scheme === 'https' ? ctx : new SchemedContext(ctx, 'https');

  // The scheme follows the connection facts: a TLS socket says `encrypted`, and a connection the
  // listener terminated TLS for carries its TLS facts even when it is not the TLS socket itself
  // (HTTP behind network filters reads from a bridge stream).
  const ctxFor = (socket: unknown): HttpListenerContext =>
    (socket as Partial<TLSSocket>).encrypted === true || connectionTls(socket) !== undefined ? tlsCtx : plainCtx;
  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    handleRequest(ctxFor(req.socket), req, res);
  };
  const http1 = createServer(
    {
      maxHeaderSize,
      headersTimeout: headersTimeoutMs,
      requestTimeout: options.requestTimeoutMs ?? 300_000,
      keepAliveTimeout: idleTimeoutMs,
      connectionsCheckingInterval: options.checkIntervalMs ?? 1000,
      noDelay: true,
      // Host is checked (and a 400 logged) by the connection manager, not answered silently here.
      requireHostHeader: false,
    },
    onRequest,
  );
  installEdgeReplies(http1, ctx);
  http1.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const c = ctxFor(req.socket);
    if (isWebSocketUpgrade(req)) handleWebSocket(c, req, socket, head);
    else serveIgnoringUpgrade(c, req, socket);
  });
  // node:http tracks connections and checks header/request timeouts only once it is
  // 'listening'; this server never listens, so start that bookkeeping by hand.
  http1.emit('listening');

  const http2 = createH2Server(ctx, { maxHeaderListSize: maxHeaderSize, ...options.http2 }, idleTimeoutMs, onRequest);

  const toHttp1 = (socket: Socket, peeked: boolean): void => {
    http1.emit('connection', socket);
    // node:http reads the socket's handle directly; bytes we unshifted sit in the JS buffer
    // and only flow to its parser once the stream is resumed.
    if (peeked) socket.resume();
  };

  // Connections whose first bytes have not arrived yet: idle, so a drain closes them at once.
  const sniffing = new Set<Socket>();
  const closeSniffing = (): void => {
    for (const s of sniffing) s.destroy();
    sniffing.clear();
  };

  return {
    http1,
    http2,
    serve(socket, info) {
      try {
        if (info.alpn === 'h2') return void http2.accept(socket);
        if (info.tls || info.alpn === 'http/1.1' || mode === 'http1') return toHttp1(socket, false);
        if (mode === 'http2') return void http2.accept(socket);
        sniffPreface(socket, headersTimeoutMs, sniffing, (isH2) => (isH2 ? http2.accept(socket) : toHttp1(socket, true)));
      } catch (err) {
        ctx.log.error('codec failed to take a connection', { listener: ctx.name, error: String(err) });
        socket.destroy();
      }
    },
    closeIdle() {
      closeSniffing();
      http1.closeIdleConnections();
      http2.drain();
    },
    close() {
      closeSniffing();
      http1.closeAllConnections();
      http1.close();
      http2.destroyAll();
    },
  };
}

/**
 * Reads until the first bytes either match the whole HTTP/2 preface or stop matching it, then
 * puts them back (unshift) and reports. A peer that sends nothing within `timeoutMs` is closed,
 * and so is one that half-closes first (the listener allows half-open sockets for tcp_proxy, so
 * nothing else would end it, and it would hold a drain until the timeout).
 */
function sniffPreface(socket: Socket, timeoutMs: number, sniffing: Set<Socket>, done: (isH2: boolean) => void): void {
  let seen: Buffer = Buffer.alloc(0);
  const timer = setTimeout(() => socket.destroy(), timeoutMs);
  // Nothing of the sniff stays on the socket once it is handed over: an idle keep-alive
  // connection should cost what node:http's own state costs, not a set of dead listeners more.
  const finish = (isH2: boolean): void => {
    clearTimeout(timer);
    sniffing.delete(socket);
    socket.off('data', onData);
    socket.off('end', onEnd);
    socket.off('close', onClose);
    socket.off('error', noop);
    socket.pause();
    socket.unshift(seen);
    done(isH2);
  };
  const onData = (chunk: Buffer): void => {
    seen = seen.length === 0 ? chunk : Buffer.concat([seen, chunk]);
    const n = Math.min(seen.length, PREFACE.length);
    if (seen.compare(PREFACE, 0, n, 0, n) !== 0) return finish(false);
    if (n === PREFACE.length) finish(true);
  };
  const onClose = (): void => {
    clearTimeout(timer);
    sniffing.delete(socket);
  };
  const onEnd = (): void => {
    clearTimeout(timer);
    socket.destroy();
  };
  sniffing.add(socket);
  socket.on('data', onData);
  socket.once('end', onEnd);
  socket.once('close', onClose);
  socket.on('error', noop);
}

function noop(): void {}
