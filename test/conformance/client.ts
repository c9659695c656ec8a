/**
 * HTTP clients of the conformance suite: node:http on a fresh connection (body chunks written
 * one by one, request trailers), and a raw socket for exact bytes. Both are bounded in time and
 * never reject: a reset or a truncated response is a result tests assert on.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';

export interface ClientResponse {
  /** 0 when no response head arrived. */
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  trailers: Record<string, string | undefined>;
  /** The response ended normally (false: reset, truncated, or timed out). */
  complete: boolean;
  /** Why it did not complete: the socket error code, "aborted" or "timeout". */
  error?: string;
}

export interface ClientRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string | string[]>;
  /** Body chunks, each written in its own turn (chunked encoding unless content-length is set). */
  chunks?: string[];
  /** Pause between chunks, ms (slow bodies). Default 2. */
  chunkDelayMs?: number;
  /** Request trailers (forces chunked encoding). */
  trailers?: Record<string, string>;
  /** Bound on the whole exchange, ms. Default 5000. */
  timeoutMs?: number;
}

/** One request on a fresh connection to 127.0.0.1:`port`. */
export function send(port: number, r: ClientRequest = {}): Promise<ClientResponse> {
  return new Promise((resolve) => {
    const out: ClientResponse = { status: 0, headers: {}, body: '', trailers: {}, complete: false };
    let settled = false;
    const finish = (error?: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error !== undefined) out.error = error;
      else out.complete = true;
      resolve(out);
    };
    const headers: Record<string, string | string[]> = { ...r.headers };
    if (r.trailers) headers.trailer = Object.keys(r.trailers).join(', ');
    const req = httpRequest({ host: '127.0.0.1', port, method: r.method ?? (r.chunks ? 'POST' : 'GET'), path: r.path ?? '/', headers, agent: false },
      (res) => {
        out.status = res.statusCode ?? 0;
        out.headers = res.headers;
        const body: Buffer[] = [];
        res.on('data', (c: Buffer) => body.push(c));
        res.on('aborted', () => finish('aborted'));
        res.on('error', (e: NodeJS.ErrnoException) => finish(e.code ?? e.message));
        res.on('end', () => {
          out.body = Buffer.concat(body).toString();
          out.trailers = { ...res.trailers };
          finish(res.complete ? undefined : 'aborted');
        });
        res.on('close', () => {
          out.body ||= Buffer.concat(body).toString();
          finish('aborted');
        });
      });
    const timer = setTimeout(() => {
      req.destroy();
      finish('timeout');
    }, r.timeoutMs ?? 5000);
    req.on('error', (e: NodeJS.ErrnoException) => finish(e.code ?? e.message));
    const chunks = r.chunks ?? [];
    let i = 0;
    const next = (): void => {
      if (req.destroyed) return;
      if (i < chunks.length) {
        req.write(chunks[i++]!);
        setTimeout(next, r.chunkDelayMs ?? 2);
        return;
      }
      if (r.trailers) req.addTrailers(r.trailers);
      req.end();
    };
    if (chunks.length === 0 && !r.trailers) req.end();
    else {
      if (r.trailers && chunks.length === 0) req.flushHeaders();
      next();
    }
  });
}

/** Writes `parts` on a fresh connection (`delayMs` apart); resolves with all bytes read until close or `timeoutMs`. */
export function raw(port: number, parts: (string | Buffer)[], delayMs = 5, timeoutMs = 3000): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve) => {
    const sock = connect(port, '127.0.0.1');
    const got: Buffer[] = [];
    const timer = setTimeout(() => {
      sock.destroy();
      resolve({ text: Buffer.concat(got).toString('latin1'), closed: false });
    }, timeoutMs);
    sock.on('data', (c) => got.push(c));
    sock.on('error', () => {});
    sock.on('close', () => {
      clearTimeout(timer);
      resolve({ text: Buffer.concat(got).toString('latin1'), closed: true });
    });
    let i = 0;
    const next = (): void => {
      if (i === parts.length || sock.destroyed) return;
      sock.write(parts[i++]!);
      setTimeout(next, delayMs);
    };
    next();
  });
}
