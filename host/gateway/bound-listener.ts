/**
 * A bound listener as the gateway and hot reload see it: a net.Server on the listener's address
 * handing each accepted socket to the HTTP chain (HttpListener.serve), connection accounting
 * (max_connections, connection ids, metrics), and graceful stop (stop accepting, drain, close
 * what is left at the drain timeout).
 *
 * Kept deliberately thin: host/listener is growing its own net.Server listener (TLS, SNI / ALPN
 * chains, L4); when it lands, `createListener` in gateway.ts builds that instead and this file
 * goes. Hot reload needs only the RunningListener members.
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { ListenerSnapshot } from '../http/context.js';
import { tagConnection } from '../http/stream-lifecycle.js';
import type { HttpListener } from '../listener/http-listener.js';
import type { ResolvedLimits } from '../listener/limits.js';
import type { Logger } from '../observability/contract.js';

export interface BoundAddress {
  host: string;
  port: number;
}

/** What hot reload needs of a running listener. */
export interface RunningListener {
  readonly name: string;
  readonly limits: ResolvedLimits;
  readonly log: Logger;
  readonly draining: boolean;
  /** Connections closed at accept because max_connections was reached. */
  readonly droppedConnections: number;
  /** The snapshot requests read at their start; assigning it is the atomic swap. */
  snapshot: ListenerSnapshot;
  /**
   * `onStart` runs each time a request starts, with the snapshot it read (a request reads the
   * snapshot and reports its start in one synchronous step).
   */
  trackStreams(onStart: (snapshot: ListenerSnapshot) => void): void;
  /** Binds; rejects with node's error (EADDRINUSE, …) and leaves nothing listening. */
  listen(host: string, port: number): Promise<BoundAddress>;
  address(): BoundAddress | undefined;
  /** Stops accepting at once; in-flight requests finish (at most `drainTimeoutMs`). Idempotent. */
  stop(drainTimeoutMs?: number): Promise<void>;
}

/** One HTTP listener over a net.Server (see the file comment). */
export class BoundHttpListener implements RunningListener {
  private readonly server: Server;
  private bound: BoundAddress | undefined;
  private stopping: Promise<void> | undefined;
  private nextConnectionId = 0;
  /** Connections closed at accept because max_connections was reached. */
  droppedConnections = 0;

  constructor(readonly http: HttpListener) {
    const server = createServer({ noDelay: true }, (socket) => this.accepted(socket));
    if (http.limits.maxConnections > 0) server.maxConnections = http.limits.maxConnections;
    server.on('drop', () => {
      this.droppedConnections++;
    });
    this.server = server;
  }

  get name(): string {
    return this.http.name;
  }
  get limits(): ResolvedLimits {
    return this.http.limits;
  }
  get log(): Logger {
    return this.http.log;
  }
  get draining(): boolean {
    return this.http.draining;
  }
  get snapshot(): ListenerSnapshot {
    return this.http.snapshot;
  }
  set snapshot(s: ListenerSnapshot) {
    this.http.snapshot = s;
  }

  trackStreams(onStart: (snapshot: ListenerSnapshot) => void): void {
    const http = this.http;
    const started = http.streamStarted.bind(http);
    // Instance override: HttpListener has no per-snapshot hook (see host/reload/generation.ts).
    http.streamStarted = () => {
      started();
      onStart(http.snapshot);
    };
  }

  listen(host: string, port: number): Promise<BoundAddress> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      this.server.once('error', onError);
      this.server.listen({ host, port, exclusive: false }, () => {
        this.server.off('error', onError);
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

  stop(drainTimeoutMs: number = this.limits.drainTimeoutMs): Promise<void> {
    this.stopping ??= new Promise<void>((resolve) => {
      this.http.beginDrain();
      if (!this.server.listening) {
        this.http.closeAll();
        resolve();
        return;
      }
      const timer = setTimeout(() => this.http.closeAll(), drainTimeoutMs);
      this.server.close(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    return this.stopping;
  }

  private accepted(socket: Socket): void {
    tagConnection(socket, ++this.nextConnectionId);
    const metrics = this.http.snapshot.metrics;
    metrics.downstreamConnectionOpened(this.name);
    socket.once('close', () => metrics.downstreamConnectionClosed(this.name));
    this.http.serve(socket, { alpn: undefined, tls: false });
  }
}
