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
 *     (ENHANCE_YOUR_CALM) and is closed.
 */
import { constants, createServer, type Http2Server, type Http2Session, type ServerHttp2Stream } from 'node:http2';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { HttpListenerContext } from './context.js';

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
}

const kState = Symbol('sluice.h2state');
type TrackedSession = Http2Session & { [kState]?: SessionState };

export function createH2Server(
  ctx: HttpListenerContext,
  limits: Http2Limits,
  idleTimeoutMs: number,
  onRequest: (req: IncomingMessage, res: ServerResponse) => void,
): H2Server {
  const maxEarlyResets = limits.maxEarlyResets ?? 100;
  const windowMs = limits.earlyResetWindowMs ?? 10_000;
  const connectionWindow = limits.connectionWindowSize ?? 4 * 1024 * 1024;
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
  });
  const sessions = new Set<Http2Session>();

  // The compatibility request/response carry what the pipeline reads from node:http's
  // (method, url, rawHeaders, rawTrailers, socket, writeHead, write, end, addTrailers, events).
  server.on('request', onRequest as unknown as Parameters<Http2Server['on']>[1]);
  server.on('session', (session: TrackedSession) => {
    session[kState] = { active: 0, resets: 0, windowStart: 0 };
    sessions.add(session);
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
    this[kState]!.active++;
    stream.once('aborted', onStreamAborted);
    stream.once('close', onStreamClose);
  }

  function onStreamClose(this: ServerHttp2Stream): void {
    const st = (this.session as TrackedSession | undefined)?.[kState];
    if (st !== undefined) st.active--;
  }

  /** The client reset a stream whose response had not finished: rapid-reset accounting. */
  function onStreamAborted(this: ServerHttp2Stream): void {
    const session = this.session as TrackedSession | undefined;
    const st = session?.[kState];
    if (session === undefined || st === undefined || session.destroyed) return;
    const now = performance.now();
    if (now - st.windowStart > windowMs) {
      st.windowStart = now;
      st.resets = 0;
    }
    if (++st.resets <= maxEarlyResets) return;
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
      server.emit('connection', socket);
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
