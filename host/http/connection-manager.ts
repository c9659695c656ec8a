/**
 * The HTTP connection manager's entry point for each request node:http parses: reads the
 * listener's snapshot once, then runs the request on the no-filter path (DirectStream) or
 * through the listener's filter chain (FilteredStream). Nothing thrown escapes: a bug in the
 * pipeline becomes a 500 (or a reset once the response has started) and an error log line.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { requestInfo, writeReply } from './client-error.js';
import type { HttpListenerContext } from './context.js';
import { DirectStream } from './direct-stream.js';
import { FilteredStream } from './filtered-stream.js';
import { hostHeaderProblem } from './host-header.js';
import { scanRequestHead } from './request-head.js';

export function handleRequest(ctx: HttpListenerContext, req: IncomingMessage, res: ServerResponse): void {
  const snap = ctx.snapshot;
  try {
    // Scanned once here: the Host check reads it, then the stream takes it over.
    const head = scanRequestHead(req.rawHeaders);
    const bad = req.httpVersionMajor === 1 ? hostHeaderProblem(head, req.httpVersionMinor) : undefined;
    if (bad !== undefined) {
      const info = requestInfo(ctx, req);
      info.responseFlags.push('DPE');
      info.responseCodeDetails = bad;
      writeReply(ctx, info, res, 400);
      return;
    }
    if (snap.filterChain === undefined) new DirectStream(ctx, snap, req, res).start(head);
    else new FilteredStream(ctx, snap, snap.filterChain, req, res).start(head);
  } catch (err) {
    ctx.log.error('request handling failed', { listener: ctx.name, error: String((err as Error)?.stack ?? err) });
    if (res.headersSent) {
      res.destroy();
      return;
    }
    try {
      res.writeHead(500, { 'content-type': 'text/plain', 'content-length': '21', connection: 'close' });
      res.end('internal server error');
    } catch {
      res.destroy();
    }
  }
}
