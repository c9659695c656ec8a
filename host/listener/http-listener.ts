/**
 * The HTTP terminal of one filter chain: its HTTP codec (host/http/codec.ts: node:http and
 * node:http2 servers that never bind; the listener's net.Server accepts and hands sockets over
 * through serve()), the chain's current snapshot the connection manager reads once per request,
 * and graceful drain.
 */
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { ForwardClientCert } from '../config/types.js';
import type { Logger } from '../observability/contract.js';
import { createHttpCodec, type HttpCodec } from '../http/codec.js';
import { codecOptionsFrom, type ListenerCodecConfig } from '../http/codec-options.js';
import type { HttpListenerContext, ListenerSnapshot } from '../http/context.js';
import type { DownstreamTlsInfo } from '../http/stream-info.js';
import { xfccRequestListener } from './xfcc.js';
import type { ResolvedLimits } from './limits.js';

/** Per-connection facts handed with a socket (the codec contract agreed with host/http). */
export interface ServeInfo {
  /** Negotiated ALPN protocol; false / undefined when none. */
  alpn: string | false | undefined;
  tls: boolean;
}

/** Options of one HTTP chain. */
export interface HttpChainOptions {
  /** 'https' when the chain terminates TLS. */
  scheme: 'http' | 'https';
  forwardClientCert?: ForwardClientCert | undefined;
  /** TLS facts of a request's connection (xfcc). */
  tlsOf?: (socket: unknown) => DownstreamTlsInfo | undefined;
  /** The listener's `codec` and `http2` keys. */
  codecConfig?: ListenerCodecConfig;
  /** The listener's `normalize_path` (default true). */
  normalizePath?: boolean;
}

/** One HTTP chain: the context the connection manager serves requests with, and its codec. */
export class HttpListener implements HttpListenerContext {
  readonly scheme: 'http' | 'https';
  readonly normalizePath: boolean;
  /** Swapped whole on reload; each request reads it once. */
  snapshot: ListenerSnapshot;
  draining = false;
  private activeStreams = 0;
  private readonly codec: HttpCodec;
  private readonly closeIdle = (): void => this.codec.closeIdle();

  constructor(
    readonly name: string,
    snapshot: ListenerSnapshot,
    readonly limits: ResolvedLimits,
    readonly log: Logger,
    opts: HttpChainOptions = { scheme: 'http' },
  ) {
    this.snapshot = snapshot;
    this.scheme = opts.scheme;
    this.normalizePath = opts.normalizePath !== false;
    this.codec = createHttpCodec(this, codecOptionsFrom(opts.codecConfig ?? {}, {
      maxHeaderSize: limits.maxHeaderSize,
      headersTimeoutMs: limits.headersTimeoutMs,
      requestTimeoutMs: limits.requestTimeoutMs,
      idleTimeoutMs: limits.idleTimeoutMs,
      checkIntervalMs: limits.checkIntervalMs,
    }));
    if (opts.forwardClientCert && opts.tlsOf) {
      // Only chains that forward client certificates pay for a per-request step, run before
      // the connection manager sees the request.
      const hook = xfccRequestListener(opts.forwardClientCert, opts.tlsOf);
      this.codec.http1.prependListener('request', hook);
      this.codec.http2.server.prependListener('request', hook as unknown as (...a: unknown[]) => void);
    }
  }

  /** Serves one accepted (and, with TLS, handshaken) connection. */
  serve(socket: Socket | Duplex, info: ServeInfo): void {
    this.codec.serve(socket as Socket, info);
  }

  streamStarted(): void {
    this.activeStreams++;
  }

  streamEnded(): void {
    this.activeStreams--;
    // A response whose headers went out before the drain began kept its connection alive:
    // it is idle now, so close it rather than wait for the client.
    if (this.draining) setImmediate(this.closeIdle);
  }

  /** Drain begins: idle keep-alive connections close now, busy ones after their response. */
  beginDrain(): void {
    this.draining = true;
    this.codec.closeIdle();
  }

  /** Drain timeout: whatever is left is closed hard. */
  closeAll(): void {
    if (this.activeStreams > 0) this.log.warn('drain timeout: closing busy connections', { listener: this.name, streams: this.activeStreams });
    this.codec.close();
  }
}

