/**
 * A filter chain as the listener runs it (built once from config by ./build.ts) and what happens
 * to one connection on it: TLS termination when the chain has `tls` (handshake timeout, client
 * certificate policy, TLS facts read once), then the terminal: the HTTP codec, directly or
 * behind network filters, or tcp_proxy.
 */
import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import type { FilterChainMatchConfig } from '../config/types.js';
import { newStreamInfo, type DownstreamTlsInfo, type StreamInfo } from '../http/stream-info.js';
import { tagConnectionTls } from '../http/stream-lifecycle.js';
import type { Logger } from '../observability/contract.js';
import type { NetworkFilterFactory } from '../network/contract.js';
import { HttpBridge } from '../network/http-bridge.js';
import { TcpSession } from '../network/tcp-session.js';
import type { TcpProxyFactory } from '../network/tcp-proxy.js';
import { passthroughInfo, tlsInfoOf } from '../tls/connection-tls.js';
import type { ServerTls } from '../tls/server-tls.js';
import type { ConnectionHello } from './chain-match.js';
import type { HttpListener } from './http-listener.js';

/** One built chain. Exactly one of `http` and `tcp`. */
export interface FilterChain {
  readonly name: string;
  readonly match: FilterChainMatchConfig | undefined;
  readonly tls: ServerTls | undefined;
  readonly handshakeTimeoutMs: number;
  /** Filled before the listener binds (wasm loads asynchronously); `hasNetworkFilters` is known at once. */
  readonly networkFilters: readonly NetworkFilterFactory[];
  readonly hasNetworkFilters: boolean;
  readonly http: HttpListener | undefined;
  readonly tcp: TcpProxyFactory | undefined;
}

/** What serving a connection needs from its listener. */
export interface ConnectionContext {
  readonly listenerName: string;
  readonly log: Logger;
  /** A TLS handshake failed or timed out. */
  tlsFailed(): void;
  /** Sockets not owned by an HTTP server (tcp_proxy, network filters): closed at drain timeout. */
  track(socket: Socket): void;
}

/** Runs `socket` (bytes not consumed yet) through `chain`. */
export function serveOnChain(chain: FilterChain, socket: Socket, connectionId: number, hello: ConnectionHello | undefined,
  ctx: ConnectionContext): void {
  if (chain.tls === undefined) {
    const info = hello?.tls ? passthroughInfo(hello.serverName, hello.alpn) : undefined;
    afterTransport(chain, socket, connectionId, info, ctx);
    return;
  }
  const tlsSocket = new TLSSocket(socket, chain.tls.options);
  const mode = chain.tls.mode;
  // The raw socket is what the listener counts; make sure it goes when the TLS socket does.
  let secure = false;
  const fail = (): void => {
    clearTimeout(timer);
    if (tlsSocket.destroyed) return;
    ctx.tlsFailed();
    tlsSocket.destroy();
  };
  const timer = setTimeout(fail, chain.handshakeTimeoutMs);
  tlsSocket.once('close', () => {
    clearTimeout(timer);
    socket.destroy();
  });
  tlsSocket.once('error', () => {
    if (!secure) fail();
  });
  tlsSocket.once('secure', () => {
    secure = true;
    clearTimeout(timer);
    tlsSocket.on('error', () => {});
    if (mode !== 'none' && !peerVerified(tlsSocket)) {
      // optional: a presented certificate must still verify (required: node already refused).
      fail();
      return;
    }
    afterTransport(chain, tlsSocket, connectionId, tlsInfoOf(tlsSocket), ctx);
  });
}

/**
 * Records the client certificate check on `authorized` (node sets it only for sockets of a
 * tls.Server; ours are wrapped by hand) and says whether the connection may go on: no
 * certificate, or one that verified against client_ca_file.
 */
function peerVerified(s: TLSSocket): boolean {
  if (s.getPeerX509Certificate() === undefined) return true;
  const handle = (s as unknown as { _handle?: { verifyError?: () => Error | null } })._handle;
  const err = handle?.verifyError?.() ?? null;
  if (err === null) s.authorized = true;
  else s.authorizationError = err;
  return err === null;
}

function streamInfoFor(listenerName: string, socket: Socket, connectionId: number, tls: DownstreamTlsInfo | undefined): StreamInfo {
  const info = newStreamInfo(listenerName);
  info.protocol = 'TCP';
  info.connectionId = connectionId;
  info.downstreamRemoteAddress = socket.remoteAddress ?? '';
  info.downstreamRemotePort = socket.remotePort ?? 0;
  info.downstreamLocalAddress = socket.localAddress ?? '';
  info.downstreamLocalPort = socket.localPort ?? 0;
  info.downstreamTls = tls;
  return info;
}

function afterTransport(chain: FilterChain, socket: Socket, connectionId: number, tls: DownstreamTlsInfo | undefined,
  ctx: ConnectionContext): void {
  if (tls !== undefined) tagConnectionTls(socket, tls);
  const alpn = socket instanceof TLSSocket ? socket.alpnProtocol ?? false : undefined;
  const isTls = socket instanceof TLSSocket;
  if (chain.http !== undefined && chain.networkFilters.length === 0) {
    chain.http.serve(socket, { alpn, tls: isTls });
  } else {
    ctx.track(socket);
    const info = streamInfoFor(ctx.listenerName, socket, connectionId, tls);
    if (chain.tcp !== undefined) {
      new TcpSession(socket, chain.tcp, info, chain.networkFilters, () => {}).start();
    } else {
      // HTTP behind network filters: the codec reads the filtered bytes from a stream of its own.
      const bridge = new HttpBridge(socket, info, chain.networkFilters);
      if (tls !== undefined) tagConnectionTls(bridge, tls);
      chain.http!.serve(bridge, { alpn, tls: isTls });
      bridge.start();
    }
  }
  // A raw socket arrives paused (accepted with pauseOnConnect, or after the ClientHello peek);
  // a TLS socket reads on its own.
  if (!isTls) socket.resume();
}
