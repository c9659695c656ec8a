/**
 * One listener: a net.Server accepting raw sockets (max_connections: excess sockets are closed
 * at accept and counted), connection numbering and metrics, filter-chain selection (the
 * ClientHello is peeked, never consumed, only when some chain matches on SNI / ALPN /
 * transport), and graceful drain. A plain HTTP listener hands each socket straight to its HTTP
 * chain: one emit more than node:http's own accept, nothing per request.
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { ListenerSnapshot } from '../http/context.js';
import { tagConnection } from '../http/stream-lifecycle.js';
import type { GatewayMetrics, Logger } from '../observability/contract.js';
import { parseClientHello } from '../tls/client-hello.js';
import { needsInspection, selectChain, type ConnectionHello } from './chain-match.js';
import { serveOnChain, type ConnectionContext, type FilterChain } from './filter-chain.js';
import type { HttpListener } from './http-listener.js';
import type { ResolvedLimits } from './limits.js';

export interface BoundAddress {
  host: string;
  port: number;
}

/** What a listener is made of (./build.ts). */
export interface ListenerParts {
  /** filter_chains in file order. */
  chains: FilterChain[];
  /** The listener-level chain (route_config / tcp_proxy): used when no chain matches. */
  defaultChain: FilterChain | undefined;
  inspectorTimeoutMs: number;
  metrics: GatewayMetrics;
  tlsFailed(): void;
  /** Async parts (wasm network filters, chain http_filters), run before binding. */
  prepare(): Promise<void>;
  /** The listener-level snapshot was swapped: chains with their own route_config follow. */
  deriveSnapshots(s: ListenerSnapshot): void;
  /** Releases TLS watchers and filter VMs, after the drain. */
  close(): void;
}

/** One bound listener and its filter chains (see the file comment); what hot reload runs as a RunningListener. */
export class Listener implements ConnectionContext {
  draining = false;
  /** Connections closed at accept because max_connections was reached. */
  droppedConnections = 0;
  private nextConnectionId = 0;
  private readonly server: Server;
  private bound: BoundAddress | undefined;
  private stopping: Promise<void> | undefined;
  private readonly inspect: boolean;
  /** Sockets no HTTP server owns (tcp_proxy, network filters, handshakes): closed at drain timeout. */
  private readonly tracked = new Set<Socket>();
  private readonly http: HttpListener[];
  private readonly direct: HttpListener | undefined;

  private base: ListenerSnapshot;

  constructor(readonly name: string, private readonly parts: ListenerParts, readonly limits: ResolvedLimits, readonly log: Logger,
    snapshot: ListenerSnapshot) {
    this.base = snapshot;
    const all = [...parts.chains, ...(parts.defaultChain ? [parts.defaultChain] : [])];
    this.http = all.flatMap((c) => (c.http ? [c.http] : []));
    this.inspect = parts.chains.length > 1 || needsInspection(parts.chains);
    // The plain listener: one HTTP chain, no TLS, no network filters.
    const only = all.length === 1 ? all[0]! : undefined;
    this.direct = only && !only.tls && !only.hasNetworkFilters && !this.inspect ? only.http : undefined;
    // allowHalfOpen: node:http expects it (it ends the socket itself), and tcp_proxy passes FIN on.
    const server = createServer({ allowHalfOpen: true, noDelay: true, pauseOnConnect: this.direct === undefined });
    if (limits.maxConnections > 0) server.maxConnections = limits.maxConnections;
    server.on('drop', () => {
      this.droppedConnections++;
    });
    server.on('connection', (socket: Socket) => this.accepted(socket));
    this.server = server;
  }

  /**
   * The listener-level snapshot (tests and hot reload swap it). Every chain follows it: HTTP
   * chains serve it (or one derived from it), tcp_proxy and wasm http_call read its clusters.
   */
  get snapshot(): ListenerSnapshot {
    return this.base;
  }

  set snapshot(s: ListenerSnapshot) {
    this.base = s;
    const d = this.parts.defaultChain?.http;
    if (d) d.snapshot = s;
    this.parts.deriveSnapshots(s);
  }

  /** Reports each request start with the listener-level snapshot (generation tracking in hot reload). */
  trackStreams(onStart: (snapshot: ListenerSnapshot) => void): void {
    for (const h of this.http) {
      const started = h.streamStarted.bind(h);
      h.streamStarted = () => {
        started();
        onStart(this.base);
      };
    }
  }

  /**
   * Builds the async parts, then binds; rejects with the build error or node's error
   * (EADDRINUSE, EACCES, …) and leaves nothing listening.
   */
  async listen(host: string, port: number): Promise<BoundAddress> {
    await this.parts.prepare();
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      this.server.once('error', onError);
      this.server.listen({ host, port, exclusive: false }, () => {
        this.server.off('error', onError);
        // After bind, server errors (rare: EMFILE on accept) are logged, never thrown.
        this.server.on('error', (err) => this.log.error('listener error', { listener: this.name, error: String(err) }));
        const a = this.server.address() as AddressInfo;
        this.bound = { host: a.address, port: a.port };
        resolve(this.bound);
      });
    });
  }

  address(): BoundAddress | undefined {
    return this.bound;
  }

  /**
   * Graceful stop: no new connections; idle keep-alive connections close now; busy ones close
   * after their response (which carries Connection: close); whatever is left after
   * `drainTimeoutMs` (tcp_proxy connections included) is closed hard.
   */
  stop(drainTimeoutMs: number = this.limits.drainTimeoutMs): Promise<void> {
    this.stopping ??= new Promise<void>((resolve) => {
      this.draining = true;
      for (const h of this.http) h.beginDrain();
      if (!this.server.listening) {
        for (const h of this.http) h.closeAll();
        resolve();
        return;
      }
      const timer = setTimeout(() => {
        for (const h of this.http) h.closeAll();
        for (const s of this.tracked) s.destroy();
      }, drainTimeoutMs);
      this.server.close(() => {
        clearTimeout(timer);
        resolve();
      });
    }).then(() => this.parts.close());
    return this.stopping;
  }

  // ConnectionContext
  get listenerName(): string {
    return this.name;
  }

  tlsFailed(): void {
    this.parts.tlsFailed();
  }

  track(socket: Socket): void {
    this.tracked.add(socket);
    socket.once('close', () => this.tracked.delete(socket));
  }

  /** One function for every connection's 'close' (a closure per connection would cost memory per idle connection). */
  private readonly connectionClosed = (): void => this.parts.metrics.downstreamConnectionClosed(this.name);

  private accepted(socket: Socket): void {
    const id = ++this.nextConnectionId;
    tagConnection(socket, id);
    this.parts.metrics.downstreamConnectionOpened(this.name);
    socket.once('close', this.connectionClosed);
    if (this.direct !== undefined) {
      this.direct.serve(socket, PLAIN);
      return;
    }
    this.track(socket);
    // Errors on the raw socket surface through whatever wraps it (TLS, tcp_proxy, codec);
    // without a listener here one would crash the process.
    socket.on('error', noop);
    if (!this.inspect) {
      const chain = this.parts.chains[0] ?? this.parts.defaultChain!;
      serveOnChain(chain, socket, id, undefined, this);
      return;
    }
    this.inspectHello(socket, id);
  }

  /** Peeks at the first bytes until the ClientHello (or its absence) is clear, then picks a chain. */
  private inspectHello(socket: Socket, id: number): void {
    const parts: Buffer[] = [];
    let size = 0;
    const done = (hello: ConnectionHello): void => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.pause();
      if (size > 0) socket.unshift(parts.length === 1 ? parts[0]! : Buffer.concat(parts));
      const chain = selectChain(this.parts.chains, hello) ?? this.parts.defaultChain;
      if (chain === undefined) {
        socket.destroy();
        return;
      }
      serveOnChain(chain, socket, id, hello, this);
    };
    const onData = (buf: Buffer): void => {
      parts.push(buf);
      size += buf.length;
      const r = parseClientHello(parts.length === 1 ? buf : Buffer.concat(parts));
      if (r.kind === 'tls') done({ tls: true, serverName: r.serverName, alpn: r.alpn });
      else if (r.kind === 'raw') done(RAW);
    };
    const onEnd = (): void => done(RAW);
    const timer = setTimeout(() => {
      // Envoy's tls_inspector: no ClientHello in time → treat the connection as not TLS.
      done(RAW);
    }, this.parts.inspectorTimeoutMs);
    socket.on('data', onData);
    socket.on('end', onEnd);
    socket.resume();
  }
}

function noop(): void {}

const PLAIN = { alpn: undefined, tls: false };
const RAW: ConnectionHello = { tls: false, serverName: '', alpn: [] };
