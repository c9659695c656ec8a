/**
 * One HTTP/1.1 listener: a node:http server with the listener's limits, connection accounting
 * (max_connections: excess sockets are closed at accept and counted), the current snapshot the
 * connection manager reads once per request, and graceful drain.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Logger } from '../observability/contract.js';
import type { HttpListenerContext, ListenerSnapshot } from '../http/context.js';
import { clientErrorHandler } from '../http/client-error.js';
import { handleRequest } from '../http/connection-manager.js';
import { tagConnection } from '../http/stream-lifecycle.js';
import type { ResolvedLimits } from './limits.js';

export interface BoundAddress {
  host: string;
  port: number;
}

export class HttpListener implements HttpListenerContext {
  readonly scheme = 'http' as const;
  /** Swapped whole on reload; each request reads it once. */
  snapshot: ListenerSnapshot;
  draining = false;
  /** Connections closed at accept because max_connections was reached. */
  droppedConnections = 0;
  private activeStreams = 0;
  private nextConnectionId = 0;
  private readonly server: Server;
  private bound: BoundAddress | undefined;
  private stopping: Promise<void> | undefined;
  private readonly closeIdle = (): void => this.server.closeIdleConnections();

  constructor(
    readonly name: string,
    snapshot: ListenerSnapshot,
    readonly limits: ResolvedLimits,
    readonly log: Logger,
  ) {
    this.snapshot = snapshot;
    const server = createServer(
      {
        maxHeaderSize: limits.maxHeaderSize,
        headersTimeout: limits.headersTimeoutMs,
        requestTimeout: limits.requestTimeoutMs,
        keepAliveTimeout: limits.idleTimeoutMs,
        connectionsCheckingInterval: limits.checkIntervalMs,
        noDelay: true,
      },
      (req, res) => handleRequest(this, req, res),
    );
    if (limits.maxConnections > 0) server.maxConnections = limits.maxConnections;
    server.on('drop', () => {
      this.droppedConnections++;
    });
    server.on('connection', (socket: Socket) => this.accepted(socket));
    server.on('clientError', clientErrorHandler(name, () => this.snapshot.metrics));
    this.server = server;
  }

  /** Binds; rejects with node's error (EADDRINUSE, EACCES, …) and leaves nothing listening. */
  listen(host: string, port: number): Promise<BoundAddress> {
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

  streamStarted(): void {
    this.activeStreams++;
  }

  streamEnded(): void {
    this.activeStreams--;
    // A response whose headers went out before the drain began kept its connection alive:
    // it is idle now, so close it rather than wait for the client.
    if (this.draining) setImmediate(this.closeIdle);
  }

  /**
   * Graceful stop: no new connections; idle keep-alive connections close now; busy ones close
   * after their response (which carries Connection: close); whatever is left after
   * `drainTimeoutMs` is closed hard.
   */
  stop(drainTimeoutMs: number = this.limits.drainTimeoutMs): Promise<void> {
    this.stopping ??= new Promise<void>((resolve) => {
      this.draining = true;
      if (!this.server.listening) {
        resolve();
        return;
      }
      const timer = setTimeout(() => {
        if (this.activeStreams > 0) this.log.warn('drain timeout: closing busy connections', { listener: this.name, streams: this.activeStreams });
        this.server.closeAllConnections();
      }, drainTimeoutMs);
      this.server.close(() => {
        clearTimeout(timer);
        resolve();
      });
      this.server.closeIdleConnections();
    });
    return this.stopping;
  }

  private accepted(socket: Socket): void {
    tagConnection(socket, ++this.nextConnectionId);
    const metrics = this.snapshot.metrics;
    metrics.downstreamConnectionOpened(this.name);
    socket.once('close', () => metrics.downstreamConnectionClosed(this.name));
  }
}
