/**
 * HTTP/2 to one upstream endpoint over node:http2, behind undici's Dispatcher interface, for
 * clusters with `protocol: http2`. One multiplexed session per endpoint (re-opened after GOAWAY
 * or close); each dispatch is one stream, driving the same raw handler callbacks the proxy gives
 * undici (onConnect / onHeaders / onData / onComplete / onError / onBodySent).
 *
 * Why not undici's h2 client (tried first, DESIGN.md): it carries response trailers, streaming
 * both ways and gRPC, but cannot send request trailers (its h2 writer ends the stream with the
 * body). This one can: a dispatch may carry `requestTrailers`, asked for when the body ends.
 * Flow control is node's: a full stream pauses the request body; onData returning false pauses
 * the response until `resume`.
 */
import { connect, constants, type ClientHttp2Session, type ClientHttp2Stream, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http2';
import type { ConnectionOptions } from 'node:tls';
import type { Readable } from 'node:stream';
import { Dispatcher } from 'undici';

/** The dispatch options this dispatcher reads (undici's, plus request trailers). */
export interface H2DispatchOptions {
  method: string;
  path: string;
  headers?: string[] | Record<string, string | string[] | undefined> | null;
  body?: Readable | Buffer | string | null;
  /** Called once the request body has ended; non-empty result → sent as HTTP/2 trailers. */
  requestTrailers?: () => Record<string, string | string[]> | undefined;
}

/** The raw handler the proxy's UpstreamAttempt implements. */
interface RawHandler {
  onConnect(abort: (err?: Error) => void): void;
  onHeaders(status: number, raw: Buffer[], resume: () => void, statusText: string): boolean;
  onData(chunk: Buffer): boolean;
  onComplete(trailers: Record<string, string | string[] | undefined>): void;
  onError(err: Error): void;
  onBodySent?(chunk: Buffer): void;
}

export interface H2DispatcherOptions {
  connectTimeoutMs: number;
  /** Session idle time with no streams before it is closed. */
  idleTimeoutMs: number;
  tls?: ConnectionOptions | undefined;
}

/** Headers node:http2 refuses on a request (connection-specific, RFC 9113 §8.2.2), and host (→ :authority). */
const DROP = new Set(['host', 'connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade']);

export class H2Dispatcher extends Dispatcher {
  private session: ClientHttp2Session | null = null;
  private connected = false;
  private running = 0;
  closed = false;
  destroyed = false;

  constructor(
    private readonly origin: string,
    private readonly opts: H2DispatcherOptions,
  ) {
    super();
  }

  /** Pool-like counters for the admin view. */
  get stats(): { connected: number; free: number; pending: number; running: number } {
    return { connected: this.connected ? 1 : 0, free: this.connected && this.running === 0 ? 1 : 0, pending: 0, running: this.running };
  }

  private open(): ClientHttp2Session {
    const cur = this.session;
    if (cur !== null && !cur.closed && !cur.destroyed) return cur;
    this.connected = false;
    const s = connect(this.origin, { ...(this.opts.tls ?? {}), settings: { enablePush: false, initialWindowSize: 1024 * 1024 } });
    this.session = s;
    const timer = setTimeout(() => {
      if (!this.connected && this.session === s) s.destroy(Object.assign(new Error('connect timeout'), { code: 'UND_ERR_CONNECT_TIMEOUT' }));
    }, this.opts.connectTimeoutMs);
    s.once('connect', () => {
      clearTimeout(timer);
      if (this.session === s) this.connected = true;
      try {
        s.setLocalWindowSize(4 * 1024 * 1024);
      } catch {
        // The session is already going away; its streams report that.
      }
    });
    s.on('error', noop);
    s.once('close', () => {
      clearTimeout(timer);
      if (this.session === s) {
        this.session = null;
        this.connected = false;
      }
    });
    // After GOAWAY no new streams may start here: the next dispatch opens a fresh session.
    s.once('goaway', () => {
      if (this.session === s) this.session = null;
    });
    s.setTimeout(this.opts.idleTimeoutMs, () => {
      if (this.running === 0) s.close();
    });
    return s;
  }

  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    const o = options as unknown as H2DispatchOptions;
    const h = handler as unknown as RawHandler;
    if (this.closed || this.destroyed) {
      h.onError(Object.assign(new Error('dispatcher closed'), { code: 'UND_ERR_CLOSED' }));
      return false;
    }
    const session = this.open();
    const headers = requestHeaders(o, this.origin);
    const body = o.body ?? null;
    const streamBody = body !== null && typeof body === 'object' && typeof (body as Readable).pipe === 'function';
    let stream: ClientHttp2Stream;
    try {
      stream = session.request(headers, { endStream: body === null, waitForTrailers: streamBody && o.requestTrailers !== undefined });
    } catch (err) {
      h.onError(err as Error);
      return false;
    }
    new H2Exchange(this, session, stream, h, o).start(body, streamBody);
    return true;
  }

  started(): void {
    this.running++;
  }

  ended(): void {
    this.running--;
  }

  override close(): Promise<void> {
    this.closed = true;
    const s = this.session;
    if (s === null || s.closed) return Promise.resolve();
    return new Promise((resolve) => s.close(() => resolve()));
  }

  override destroy(): Promise<void> {
    this.destroyed = true;
    this.session?.destroy();
    return Promise.resolve();
  }
}

/** One request/response on a stream. */
class H2Exchange {
  private done = false;

  constructor(
    private readonly owner: H2Dispatcher,
    private readonly session: ClientHttp2Session,
    private readonly stream: ClientHttp2Stream,
    private readonly h: RawHandler,
    private readonly o: H2DispatchOptions,
  ) {}

  start(body: Readable | Buffer | string | null, streamBody: boolean): void {
    const { stream, h } = this;
    this.owner.started();
    stream.once('close', () => {
      this.owner.ended();
      if (!this.done) this.fail(Object.assign(new Error(`upstream stream closed (code ${stream.rstCode ?? 0})`), { code: 'UND_ERR_SOCKET' }));
    });
    stream.on('error', (err: Error) => this.fail(this.session.connecting ? sessionError(err) : err));
    let trailers: IncomingHttpHeaders = {};
    stream.on('trailers', (t) => (trailers = t));
    stream.once('response', (head) => {
      if (this.done) return;
      const status = Number(head[':status']);
      if (h.onHeaders(status, rawPairs(head), () => stream.resume(), '') === false) stream.pause();
      stream.on('data', (c: Buffer) => {
        if (!this.done && h.onData(c) === false) stream.pause();
      });
      stream.once('end', () => {
        if (this.done) return;
        this.done = true;
        h.onComplete(trailers as Record<string, string | string[] | undefined>);
      });
    });
    const abort = (err?: Error): void => {
      if (this.done) return;
      this.done = true;
      stream.close(constants.NGHTTP2_CANCEL);
      if (streamBody) (body as Readable).unpipe?.();
      h.onError(err ?? new Error('aborted'));
    };
    // onConnect marks the try as dispatched: errors after it are resets, before it connect failures.
    // A handler abandoned while waiting throws there (undici drops the request); here that
    // cancels just this stream.
    const connected = (): void => {
      if (this.done) return;
      try {
        h.onConnect(abort);
      } catch (err) {
        abort(err as Error);
      }
    };
    if (this.session.connecting) this.session.once('connect', connected);
    else connected();
    if (this.done) return;
    if (body === null) return;
    if (!streamBody) {
      const buf = typeof body === 'string' ? Buffer.from(body) : (body as Buffer);
      h.onBodySent?.(buf);
      stream.end(buf);
      return;
    }
    this.pump(body as Readable);
  }

  /** Request body → stream with backpressure; trailers (if any) when it ends. */
  private pump(body: Readable): void {
    const { stream, h, o } = this;
    if (o.requestTrailers !== undefined) {
      stream.once('wantTrailers', () => {
        const t = o.requestTrailers!();
        stream.sendTrailers(t ?? {});
      });
    }
    body.on('data', (c: Buffer) => {
      h.onBodySent?.(c);
      if (!stream.write(c)) body.pause();
    });
    stream.on('drain', () => body.resume());
    body.once('end', () => stream.end());
    body.once('error', (err: Error) => this.fail(err));
  }

  private fail(err: Error): void {
    if (this.done) return;
    this.done = true;
    if (!this.stream.closed) this.stream.close(constants.NGHTTP2_CANCEL);
    this.h.onError(err);
  }
}

/** A stream failed while its session was still connecting: surface the session's own error (ECONNREFUSED …). */
function sessionError(err: Error): Error {
  const cause = (err as { cause?: unknown }).cause;
  return cause instanceof Error ? cause : err;
}

/** Pseudo-headers from the dispatch, then its headers minus connection-specific ones. */
function requestHeaders(o: H2DispatchOptions, origin: string): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = { ':method': o.method, ':path': o.path, ':scheme': origin.startsWith('https:') ? 'https' : 'http' };
  let authority: string | undefined;
  const add = (k: string, v: string): void => {
    const name = k.toLowerCase();
    if (name === 'host') authority ??= v;
    if (DROP.has(name) || (name === 'te' && v.toLowerCase() !== 'trailers')) return;
    const cur = out[name];
    if (cur === undefined) out[name] = v;
    else if (Array.isArray(cur)) cur.push(v);
    else out[name] = [String(cur), v];
  };
  const hs = o.headers;
  if (Array.isArray(hs)) for (let i = 0; i < hs.length; i += 2) add(hs[i]!, hs[i + 1]!);
  else if (hs) for (const k of Object.keys(hs)) {
    const v = hs[k];
    if (typeof v === 'string') add(k, v);
    else if (Array.isArray(v)) for (const one of v) add(k, one);
  }
  out[':authority'] = authority ?? new URL(origin).host;
  return out;
}

/** node's response header object → raw Buffer pairs (as undici hands them), pseudo-headers dropped. */
function rawPairs(head: IncomingHttpHeaders): Buffer[] {
  const out: Buffer[] = [];
  for (const k of Object.keys(head)) {
    if (k.charCodeAt(0) === 58 /* : */) continue;
    const v = head[k];
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const one of v) out.push(Buffer.from(k), Buffer.from(one));
    else out.push(Buffer.from(k), Buffer.from(String(v)));
  }
  return out;
}

function noop(): void {}
