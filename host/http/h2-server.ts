/**
 * The HTTP/2 side of a listener's codec: one node:http2 server (never listening itself) with the
 * listener's stream limits and abuse protections, the sessions it holds (for drain), and the
 * hand-off of each request to the connection manager through node's compatibility objects.
 *
 * Abuse handling, per session (the gateway keeps serving everyone else):
 *   - too many concurrent streams: SETTINGS_MAX_CONCURRENT_STREAMS; nghttp2 refuses streams past
 *     it (REFUSED_STREAM while the setting is unacknowledged, a PROTOCOL_ERROR GOAWAY once the
 *     client acknowledged it and still exceeds it); node closes a session whose refused streams
 *     pass maxSessionRejectedStreams;
 *   - oversized headers: SETTINGS_MAX_HEADER_LIST_SIZE, enforced by nghttp2 (the stream is reset);
 *   - invalid frames, SETTINGS / PING floods: maxSessionInvalidFrames, maxSettings,
 *     maxOutstandingPings, maxOutstandingSettings (node closes the session);
 *   - rapid reset (CVE-2023-44487): streams the client resets before their response finished
 *     are counted per time window; past the threshold the session gets GOAWAY
 *     (ENHANCE_YOUR_CALM), one warning is logged, and it is closed. A stream already reset when
 *     its request is emitted is never routed, so a burst queues nothing upstream.
 */
import {
  constants,
  createServer,
  type Http2Server,
  type Http2ServerRequest,
  Http2ServerResponse,
  type Http2Session,
  type ServerHttp2Stream,
} from 'node:http2';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIPv6, Socket } from 'node:net';
import type { HttpListenerContext } from './context.js';
import { connectionTls, tagConnectionTls } from './stream-lifecycle.js';

/** HTTP/2 limits of one listener. Every field has a default. */
export interface Http2Limits {
  /** SETTINGS_MAX_CONCURRENT_STREAMS. Default 100. */
  maxConcurrentStreams?: number;
  /** SETTINGS_MAX_HEADER_LIST_SIZE, bytes. Default 60 KiB. */
  maxHeaderListSize?: number;
  /** SETTINGS_INITIAL_WINDOW_SIZE (per stream), bytes. Default 1 MiB. */
  initialWindowSize?: number;
  /** Connection-level receive window, bytes. Default 4 MiB. */
  connectionWindowSize?: number;
  /** Invalid frames tolerated per session before it is closed. Default 100. */
  maxSessionInvalidFrames?: number;
  /** Refused streams tolerated per session before it is closed. Default 100. */
  maxSessionRejectedStreams?: number;
  /** Unacknowledged PINGs. Default 10. */
  maxOutstandingPings?: number;
  /** Client resets of unfinished streams tolerated per window. Default 100. */
  maxEarlyResets?: number;
  /** The rapid-reset window, ms. Default 10 s. */
  earlyResetWindowMs?: number;
  /** A stream with no frame either way for this long is reset (Envoy's stream_idle_timeout). Default 5 min; 0 = never. */
  streamIdleTimeoutMs?: number;
}

/** One listener's HTTP/2 server. */
export interface H2Server {
  readonly server: Http2Server;
  /** Starts an HTTP/2 session on the socket (h2 by ALPN, or h2c with prior knowledge). */
  accept(socket: Socket): void;
  /** GOAWAY to every session; each closes once its streams have ended. */
  drain(): void;
  /** Closes every session now. */
  destroyAll(): void;
  /** Open sessions (admin, tests). */
  sessionCount(): number;
}

/** Per-session bookkeeping for the reset guard and idle handling. */
interface SessionState {
  active: number;
  resets: number;
  windowStart: number;
  /** GOAWAY sent for rapid reset: later resets of this session are neither counted nor logged. */
  calmed: boolean;
}

const kState = Symbol('sluice.h2state');
type TrackedSession = Http2Session & { [kState]?: SessionState };

/**
 * node's compatibility response reports `writableFinished` true once its stream closed, even
 * when the client reset it mid-response. The pipeline reads it the way node:http means it (the
 * whole response went out) to tell a completed stream from a client gone early (DC: the upstream
 * request is cancelled), so the h2 response answers that question instead. The server builds
 * its responses from this class (once, not a property per request).
 */
class ResponseFinishedUnlessReset extends Http2ServerResponse {}
Object.defineProperty(ResponseFinishedUnlessReset.prototype, 'writableFinished', {
  get(this: Http2ServerResponse): boolean {
    const s = this.stream as ServerHttp2Stream | null | undefined;
    return s != null && this.writableEnded && s.writableFinished && s.rstCode === constants.NGHTTP2_NO_ERROR;
  },
});

export function createH2Server(
  ctx: HttpListenerContext,
  limits: Http2Limits,
  idleTimeoutMs: number,
  onRequest: (req: IncomingMessage, res: ServerResponse) => void,
): H2Server {
  const maxEarlyResets = limits.maxEarlyResets ?? 100;
  const windowMs = limits.earlyResetWindowMs ?? 10_000;
  const connectionWindow = limits.connectionWindowSize ?? 4 * 1024 * 1024;
  const streamIdleMs = limits.streamIdleTimeoutMs ?? 300_000;
  const server = createServer({
    settings: {
      maxConcurrentStreams: limits.maxConcurrentStreams ?? 100,
      maxHeaderListSize: limits.maxHeaderListSize ?? 60 * 1024,
      initialWindowSize: limits.initialWindowSize ?? 1024 * 1024,
    },
    maxSessionInvalidFrames: limits.maxSessionInvalidFrames ?? 100,
    maxSessionRejectedStreams: limits.maxSessionRejectedStreams ?? 100,
    maxOutstandingPings: limits.maxOutstandingPings ?? 10,
    maxHeaderListPairs: 512,
    Http2ServerResponse: ResponseFinishedUnlessReset,
  });
  const sessions = new Set<Http2Session>();
  /** The connection being handed to node:http2 ('session' is emitted synchronously from it). */
  let accepting: Socket | undefined;

  // The compatibility request/response carry what the pipeline reads from node:http's
  // (method, url, rawHeaders, rawTrailers, socket, writeHead, write, end, addTrailers, events).
  server.on('request', (req: Http2ServerRequest, res: Http2ServerResponse) => {
    // A stream reset in the same read as its HEADERS (a rapid-reset burst) can already be closed
    // when node emits its request. It gets no route and no upstream request: that would queue
    // work upstream for a response nobody will read.
    const s = req.stream;
    if (s.destroyed || s.closed) return;
    onRequest(req as unknown as IncomingMessage, res as unknown as ServerResponse);
  });
  server.on('session', (session: TrackedSession) => {
    session[kState] = { active: 0, resets: 0, windowStart: 0, calmed: false };
    sessions.add(session);
    if (accepting !== undefined && !(accepting instanceof Socket)) adoptConnectionFacts(session, accepting);
    session.once('close', () => sessions.delete(session));
    session.on('error', (err) => ctx.log.debug('http2 session error', { listener: ctx.name, error: String(err) }));
    session.on('stream', onStream);
    if (connectionWindow > 65_535) {
      try {
        session.setLocalWindowSize(connectionWindow);
      } catch {
        // The session died during setup; node reports that through 'error'.
      }
    }
  });
  server.on('sessionError', () => {
    // Already logged on the session; the listener stays up.
  });
  if (idleTimeoutMs > 0) server.setTimeout(idleTimeoutMs);
  server.on('timeout', (session: TrackedSession) => {
    // Only a session with nothing in flight is idle; a quiet long-lived stream is not.
    if ((session[kState]?.active ?? 0) === 0) session.close();
  });

  function onStream(this: TrackedSession, stream: ServerHttp2Stream): void {
    // Reset in the same read as its HEADERS (a rapid-reset burst): the stream can arrive here
    // already destroyed, its 'aborted' emitted before anyone could listen. It still counts.
    if (stream.destroyed || stream.closed) return earlyReset(this);
    this[kState]!.active++;
    stream.once('aborted', onStreamAborted);
    stream.once('close', onStreamClose);
    // The session's idle timer spares sessions with streams in flight, so without this a client
    // could hold streams (and their upstream requests) open for good by never finishing them.
    if (streamIdleMs > 0) stream.setTimeout(streamIdleMs, onStreamIdle);
  }

  function onStreamClose(this: ServerHttp2Stream): void {
    const st = (this.session as TrackedSession | undefined)?.[kState];
    if (st !== undefined) st.active--;
  }

  /** The client reset a stream whose response had not finished: rapid-reset accounting. */
  function onStreamAborted(this: ServerHttp2Stream): void {
    const session = this.session as TrackedSession | undefined;
    if (session !== undefined) earlyReset(session);
  }

  /** Counts one early reset of `session`; past the threshold: GOAWAY, logged once, and close. */
  function earlyReset(session: TrackedSession): void {
    const st = session[kState];
    if (st === undefined || st.calmed || session.destroyed) return;
    const now = performance.now();
    if (now - st.windowStart > windowMs) {
      st.windowStart = now;
      st.resets = 0;
    }
    if (++st.resets <= maxEarlyResets) return;
    st.calmed = true;
    ctx.log.warn('http2 rapid reset: closing session', { listener: ctx.name, resets: st.resets, window_ms: windowMs });
    // GOAWAY first and let it reach the socket; destroy() alone would send NO_ERROR.
    try {
      session.goaway(constants.NGHTTP2_ENHANCE_YOUR_CALM);
    } catch {
      // Already closing: the destroy below still ends it.
    }
    setImmediate(destroySession, session);
  }

  function destroySession(session: Http2Session): void {
    if (!session.destroyed) session.destroy();
  }

  return {
    server,
    accept(socket) {
      // A TLSSocket wrapped by hand (new TLSSocket(raw, { isServer })) keeps secureConnecting
      // true after its handshake (only tls.Server clears it), and node:http2 would then wait for
      // a 'secureConnect' that never comes. serve() is only given handshaken sockets.
      const t = socket as Socket & { secureConnecting?: boolean; encrypted?: boolean };
      if (t.encrypted === true && t.secureConnecting === true) t.secureConnecting = false;
      // Listener sockets are half-open (tcp_proxy needs it). node:http2 notices a client's FIN
      // itself only on a plain TCP handle; over TLS or the bridge the session would wait forever
      // with its unfinished streams, so the client's FIN ends our side too (as nginx does).
      socket.once('end', endOnClientEof);
      accepting = socket;
      try {
        server.emit('connection', socket);
      } finally {
        accepting = undefined;
      }
    },
    drain() {
      for (const s of sessions) if (!s.closed) s.close();
    },
    destroyAll() {
      for (const s of sessions) s.destroy();
    },
    sessionCount() {
      return sessions.size;
    },
  };
}

/** A stream idle past stream_idle_timeout: reset (CANCEL); the pipeline sees a downstream close. */
function onStreamIdle(this: ServerHttp2Stream): void {
  if (!this.destroyed) this.close(constants.NGHTTP2_CANCEL);
}

function endOnClientEof(this: Socket): void {
  this.end();
}

/** What a socket-like connection (the network-filter bridge) tells about itself. */
interface ConnectionFacts {
  remoteAddress?: string | undefined;
  remotePort?: number | undefined;
  localAddress?: string | undefined;
  localPort?: number | undefined;
  encrypted?: boolean;
}

/**
 * node:http2 wraps a connection that is not a net.Socket (HTTP behind network filters) in a
 * socket of its own, which knows neither the client's addresses nor whether the connection is
 * TLS, nor the TLS facts the listener attached; requests read all of that from this wrapper
 * (req.socket), so it gets them from the connection. The wrapper's address getters read
 * _getpeername / _getsockname, which a plain assignment (through node's socket proxy) overrides.
 */
function adoptConnectionFacts(session: Http2Session, from: Socket): void {
  const f = from as unknown as ConnectionFacts;
  try {
    const to = session.socket as unknown as Record<string, unknown>;
    const peer = { address: f.remoteAddress, port: f.remotePort, family: family(f.remoteAddress) };
    const local = { address: f.localAddress, port: f.localPort, family: family(f.localAddress) };
    to._getpeername = () => peer;
    to._getsockname = () => local;
    to.encrypted = f.encrypted === true;
    const tls = connectionTls(from);
    if (tls !== undefined) tagConnectionTls(to, tls);
  } catch {
    // The session is already gone (its socket unbound): it serves no request to report on.
  }
}

function family(address: string | undefined): string | undefined {
  if (address === undefined) return undefined;
  return isIPv6(address) ? 'IPv6' : 'IPv4';
}
