/**
 * The real node:http upstream of the conformance suite, on 127.0.0.1 port 0. It records every
 * request it received (head, whole body, trailers) and answers according to the request, so
 * one upstream serves every test of a file:
 *   path /hang…            never answers (http_call timeouts)
 *   path /cut…             sends headers and part of a body, then destroys the connection
 *   path /status/<code>…   answers <code> with body "status <code>"
 *   x-up-echo: 1           answers the received body, with `x-up-got-length` = content-length seen
 *   x-up-chunks: a,b,c     answers those chunks, written one by one (chunked encoding)
 *   x-up-trailer: k=v      ends the (chunked) response with that trailer
 * Otherwise 200 "ok from up" with `x-upstream: up`.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the upstream received it. */
export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  trailers: Record<string, string | undefined>;
}

export interface RecordingUpstream {
  server: Server;
  address: string;
  /** Requests received, in arrival order (recorded when the request body has ended). */
  seen: SeenRequest[];
  /** Requests whose url starts with `prefix`. */
  seenAt(prefix: string): SeenRequest[];
  /** Closes the server and every connection (hanging ones included). */
  close(): Promise<void>;
}

/** Starts the upstream on 127.0.0.1, port 0. */
export async function startRecordingUpstream(): Promise<RecordingUpstream> {
  const seen: SeenRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body, trailers: { ...req.trailers } });
      const url = req.url ?? '/';
      if (url.startsWith('/hang')) return; // never answers
      if (url.startsWith('/cut')) {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('partial', () => res.destroy());
        return;
      }
      const statusPath = /^\/status\/(\d{3})/.exec(url);
      if (statusPath) {
        res.writeHead(Number(statusPath[1]), { 'content-type': 'text/plain' });
        res.end(`status ${statusPath[1]}`);
        return;
      }
      const h = req.headers;
      const trailer = typeof h['x-up-trailer'] === 'string' ? h['x-up-trailer'].split('=') : undefined;
      const head: Record<string, string> = { 'content-type': 'text/plain', 'x-upstream': 'up' };
      if (trailer) head.trailer = trailer[0]!;
      if (h['x-up-echo']) {
        res.writeHead(200, { ...head, 'x-up-got-length': String(h['content-length'] ?? 'none') });
        res.end(body);
        return;
      }
      res.writeHead(200, head);
      const parts = typeof h['x-up-chunks'] === 'string' ? h['x-up-chunks'].split(',') : ['ok from up'];
      writeChunks(res, parts, () => {
        if (trailer) res.addTrailers({ [trailer[0]!]: trailer[1] ?? '' });
        res.end();
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const close = (): Promise<void> => {
    server.closeAllConnections();
    return new Promise<void>((r) => server.close(() => r()));
  };
  return { server, address: `127.0.0.1:${port}`, seen, seenAt: (p) => seen.filter((s) => s.url.startsWith(p)), close };
}

/** Writes each part in its own turn of the event loop, so they leave as separate chunks. */
function writeChunks(res: import('node:http').ServerResponse, parts: string[], done: () => void): void {
  let i = 0;
  const next = (): void => {
    if (i === parts.length || res.destroyed) return done();
    res.write(parts[i++]!);
    setTimeout(next, 2);
  };
  next();
}
