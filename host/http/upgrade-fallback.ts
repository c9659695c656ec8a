/**
 * Upgrades other than websocket (e.g. `Upgrade: h2c` from curl --http2 on cleartext): RFC 9110
 * lets a server ignore Upgrade and answer normally. node:http hands every upgrade request to
 * the 'upgrade' listener once one exists, detached from its parser, so the request is answered
 * here through the ordinary pipeline on a fresh ServerResponse, and the connection closes after
 * it (the parser that would frame a next request is gone).
 */
import { ServerResponse, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { handleRequest } from './connection-manager.js';
import type { HttpListenerContext } from './context.js';

export function serveIgnoringUpgrade(ctx: HttpListenerContext, req: IncomingMessage, socket: Duplex): void {
  const res = new ServerResponse(req);
  res.shouldKeepAlive = false;
  res.assignSocket(socket as Socket);
  res.once('finish', () => {
    res.detachSocket(socket as Socket);
    socket.end();
  });
  socket.on('error', () => socket.destroy());
  // The parser stopped at the head: a body (rare on an upgrade request) is not read.
  if (!req.complete) req.push(null);
  handleRequest(ctx, req, res);
}
