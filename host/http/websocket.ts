/**
 * HTTP/1.1 Upgrade: websocket, proxied as a tunnel. The upgrade request is routed like any other
 * (and shown to the listener's HTTP filters through decodeHeaders, which may change or reject
 * it); then a raw TCP (or TLS, for clusters with `tls`) connection to the chosen endpoint gets
 * the request head with its Upgrade / Connection headers kept, and the upstream's answer is
 * relayed. On 101 the two sockets are piped both ways until either side closes, with the
 * cluster's websocket_idle_timeout (default 1h) instead of the route timeout; both sides close
 * together. A non-101 answer is relayed and the connection closed, so nothing the client sends
 * afterwards can reach the upstream outside the router.
 *
 * Why a raw connection and not undici's `upgrade` API: the tunnel needs the endpoint's socket
 * and nothing else; undici would add a pool checkout and hand back the same socket.
 */
import { randomUUID } from 'node:crypto';
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { Duplex } from 'node:stream';
import type { ClusterRoute } from '../router/contract.js';
import type { Endpoint } from '../upstream/contract.js';
import type { HttpListenerContext } from './context.js';
import { failureReply, routeReply, type LocalReply } from './local-reply.js';
import { finishUpstreamHeaders, scanRequestHead } from './request-head.js';
import { fillDownstream, finishStream } from './stream-lifecycle.js';
import { newStreamInfo, type StreamInfo } from './stream-info.js';
import { normalizePath } from './path-normalize.js';
import { FAILURE_REPLIES, type FailureReply } from './upstream-failure.js';
import { runUpgradeFilters } from './websocket-filters.js';

/** True when the request asks for a WebSocket (the only upgrade the gateway tunnels). */
export function isWebSocketUpgrade(req: IncomingMessage): boolean {
  const u = req.headers.upgrade;
  return typeof u === 'string' && u.toLowerCase() === 'websocket';
}

/** Handles one 'upgrade' event of a listener's HTTP/1.1 server. Never throws. */
export function handleWebSocket(ctx: HttpListenerContext, req: IncomingMessage, socket: Duplex, head: Buffer): void {
  const tunnel = new WebSocketTunnel(ctx, req, socket as Socket, head);
  try {
    tunnel.start();
  } catch (err) {
    ctx.log.error('websocket upgrade failed', { listener: ctx.name, error: String((err as Error)?.stack ?? err) });
    tunnel.close();
  }
}

class WebSocketTunnel {
  readonly info: StreamInfo;
  private upstream: Socket | null = null;
  private endpoint: Endpoint | null = null;
  private cluster: import('../upstream/contract.js').Cluster | undefined = undefined;
  private finished = false;
  /** Something (the upstream's answer or a local reply) went downstream. */
  private responded = false;
  private headTimer: NodeJS.Timeout | undefined = undefined;
  private completeFilters: () => void = noop;
  private readonly snap;

  constructor(
    private readonly ctx: HttpListenerContext,
    private readonly req: IncomingMessage,
    private readonly down: Socket,
    private readonly bodyHead: Buffer,
  ) {
    this.snap = ctx.snapshot;
    this.info = newStreamInfo(ctx.name);
  }

  start(): void {
    const { req, info, ctx, down } = this;
    ctx.streamStarted();
    down.on('error', noop);
    down.once('close', () => this.close());
    const head = scanRequestHead(req.rawHeaders);
    const path = ctx.normalizePath !== false ? normalizePath(req.url ?? '/') : (req.url ?? '/');
    fillDownstream(info, req, ctx.scheme, req.method ?? 'GET', path, head.authority);
    info.requestId = head.requestId !== '' ? head.requestId : randomUUID();
    const flat = finishUpstreamHeaders(head, head.authority, info.requestId, info.downstreamRemoteAddress, ctx.scheme);
    this.completeFilters = runUpgradeFilters(this.snap, info, req.method ?? 'GET', path, head.authority, ctx.scheme, flat, {
      proceed: (method, target, authority, headers) => this.route(method, target, authority, headers),
      reply: (r) => this.reply(r),
    });
  }

  private route(method: string, path: string, authority: string, headers: string[]): void {
    if (this.finished) return;
    const rreq = { authority, path, method, headers: this.req.headers };
    const route = this.snap.router.route(rreq);
    if (route === null) return this.fail(FAILURE_REPLIES.no_route);
    this.info.routeName = route.name;
    this.info.virtualHostName = route.virtualHostName;
    if (route.kind !== 'cluster') {
      this.info.responseFlags.push('LR');
      return this.reply(routeReply(route, rreq, this.ctx.scheme, this.info)!);
    }
    this.connect(route, method, path, authority, headers);
  }

  private connect(route: ClusterRoute, method: string, path: string, authority: string, headers: string[]): void {
    const name = route.pickCluster();
    this.info.clusterName = name;
    const cluster = this.snap.clusters.get(name);
    const ep = cluster?.chooseEndpoint(route.computeHash({ authority, path, method, headers: this.req.headers }, this.info.downstreamRemoteAddress));
    if (cluster === undefined || ep === null || ep === undefined) return this.fail(FAILURE_REPLIES.no_healthy_upstream);
    this.cluster = cluster;
    this.endpoint = ep;
    cluster.onRequestStart(ep);
    this.info.upstreamAttempts = 1;
    this.info.upstreamHost = ep.address;
    const up = ep.tlsOptions !== undefined
      ? tlsConnect({ ...ep.tlsOptions, host: ep.ip, port: ep.port, ALPNProtocols: ['http/1.1'] })
      : netConnect({ host: ep.ip, port: ep.port });
    this.upstream = up;
    up.setNoDelay(true);
    up.on('error', (err) => this.upstreamError(err));
    up.once('close', () => this.close());
    // Connect, then the upstream's answer to the upgrade, within the route timeout (or connect timeout).
    const waitMs = route.timeoutMs > 0 ? route.timeoutMs : cluster.connectTimeoutMs;
    this.headTimer = setTimeout(() => this.upstreamError(Object.assign(new Error('timeout'), { code: 'SLUICE_TIMEOUT' })), waitMs);
    let text = `${method} ${route.rewritePath(path)} HTTP/1.1\r\n`;
    const host = route.hostRewrite ?? authority;
    for (let i = 0; i < headers.length; i += 2) if (headers[i] !== 'host') text += `${headers[i]}: ${headers[i + 1]}\r\n`;
    if (host !== '') text += `host: ${host}\r\n`;
    // The one case where Upgrade / Connection go upstream: they are the request.
    text += 'connection: Upgrade\r\nupgrade: websocket\r\n\r\n';
    up.write(text);
    if (this.bodyHead.length > 0) up.write(this.bodyHead);
    this.readResponseHead(up);
  }

  /** Reads the upstream's status line; on 101 the tunnel opens, otherwise the answer is relayed and both close. */
  private readResponseHead(up: Socket): void {
    let seen: Buffer = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      seen = seen.length === 0 ? chunk : Buffer.concat([seen, chunk]);
      const end = seen.indexOf('\r\n\r\n');
      if (end < 0 && seen.length < 64 * 1024) return;
      up.off('data', onData);
      clearTimeout(this.headTimer);
      this.responded = true;
      const status = Number(seen.subarray(9, 12).toString('latin1'));
      this.info.responseCode = Number.isInteger(status) ? status : 502;
      this.info.upstreamLatencyMs = performance.now() - this.info.startTime;
      this.down.write(seen);
      if (status === 101) this.open(up);
      else {
        // Not upgraded: relay what the upstream sends until it closes; the client's further bytes are dropped.
        up.pipe(this.down);
        this.down.resume();
        this.down.on('data', noop);
      }
    };
    up.on('data', onData);
  }

  private open(up: Socket): void {
    const { down } = this;
    const idle = this.cluster?.websocketIdleMs ?? 3_600_000;
    this.info.bytesSent = 0;
    up.setTimeout(idle, () => this.close());
    down.setTimeout(idle, () => this.close());
    // A side's FIN ends the other (pipe); once that end is flushed ('finish') both are torn
    // down: WebSocket has no use for half-open connections, and node:http's sockets allow them.
    up.pipe(down);
    down.pipe(up);
    up.once('finish', () => this.close());
    down.once('finish', () => this.close());
    down.on('data', (c: Buffer) => (this.info.bytesReceived += c.length));
    up.on('data', (c: Buffer) => (this.info.bytesSent += c.length));
  }

  private upstreamError(err: Error): void {
    if (this.finished) return;
    if (this.responded) return this.close();
    const code = (err as { code?: string }).code;
    const f = code === 'SLUICE_TIMEOUT' ? FAILURE_REPLIES.timeout : this.upstream !== null && this.upstream.bytesWritten > 0 && code !== 'ECONNREFUSED' ? FAILURE_REPLIES.reset : FAILURE_REPLIES.connect_failure;
    this.endTry(f === FAILURE_REPLIES.timeout ? 'timeout' : f === FAILURE_REPLIES.reset ? 'reset' : 'connect_failure');
    this.fail(f);
  }

  private fail(f: FailureReply): void {
    this.reply(failureReply(f, this.info));
  }

  /** Writes a local reply on the raw socket and closes it. */
  private reply(r: LocalReply): void {
    if (this.finished || this.responded) return;
    this.responded = true;
    this.info.responseCode = r.status;
    let text = `HTTP/1.1 ${r.status} ${STATUS_CODES[r.status] ?? ''}\r\n`;
    for (let i = 0; i < r.headers.length; i += 2) text += `${r.headers[i]}: ${r.headers[i + 1]}\r\n`;
    text += 'connection: close\r\n\r\n';
    this.info.bytesSent += r.body.length;
    this.down.end(Buffer.concat([Buffer.from(text, 'latin1'), r.body]));
    this.upstream?.destroy();
  }

  private endTry(outcome: 'ok' | 'connect_failure' | 'timeout' | 'reset'): void {
    const ep = this.endpoint;
    if (ep === null || this.cluster === undefined) return;
    this.endpoint = null;
    this.cluster.onRequestEnd(ep, outcome);
  }

  /** Both sides close together; the access log line is written once. */
  close(): void {
    if (this.finished) return;
    this.finished = true;
    clearTimeout(this.headTimer);
    this.endTry('ok');
    this.upstream?.destroy();
    if (!this.down.destroyed) {
      if (this.down.writableEnded) this.down.destroySoon?.();
      else this.down.destroy();
    }
    this.completeFilters();
    finishStream(this.info, this.ctx, this.snap);
  }
}

function noop(): void {}
