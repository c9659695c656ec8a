/**
 * A hand-rolled gRPC wire for tests (no @grpc/grpc-js dependency): length-prefixed messages
 * over node:http2 (gRPC PROTOCOL-HTTP2), a tiny echo service and a client call. Messages are
 * raw bytes; protobuf plays no part in what the gateway does.
 */
import { createServer, type ClientHttp2Session, type Http2Session, type IncomingHttpHeaders, type ServerHttp2Stream } from 'node:http2';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';

/** One message with its 5-byte prefix (uncompressed). */
export function frame(msg: Buffer | string): Buffer {
  const body = typeof msg === 'string' ? Buffer.from(msg) : msg;
  const out = Buffer.alloc(5 + body.length);
  out.writeUInt32BE(body.length, 1);
  body.copy(out, 5);
  return out;
}

/** Splits a byte stream into messages as they complete. */
export class Deframer {
  private buf: Buffer = Buffer.alloc(0);
  constructor(private readonly onMessage: (m: Buffer) => void) {}
  push(chunk: Buffer): void {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    while (this.buf.length >= 5) {
      const n = this.buf.readUInt32BE(1);
      if (this.buf.length < 5 + n) return;
      this.onMessage(this.buf.subarray(5, 5 + n));
      this.buf = this.buf.subarray(5 + n);
    }
  }
}

export interface GrpcServer {
  port: number;
  address: string;
  /** Request headers of each call, in order. */
  calls: IncomingHttpHeaders[];
}

/**
 * Echo service: /echo.Echo/Unary answers one message upper-cased; /echo.Echo/Bidi echoes each
 * message as it arrives and ends when the client does; /echo.Echo/Fail ends with grpc-status 5;
 * /echo.Echo/Slow never answers.
 */
export async function startGrpcServer(t: TestContext): Promise<GrpcServer> {
  const calls: IncomingHttpHeaders[] = [];
  const server = createServer();
  const sessions = new Set<Http2Session>();
  server.on('session', (s) => {
    sessions.add(s);
    s.on('close', () => sessions.delete(s));
  });
  server.on('stream', (stream: ServerHttp2Stream, headers) => {
    calls.push(headers);
    stream.on('error', () => {});
    const path = String(headers[':path']);
    if (path.endsWith('/Slow')) return;
    stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
    const ok = (): void => stream.sendTrailers({ 'grpc-status': '0' });
    if (path.endsWith('/Fail')) {
      stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '5', 'grpc-message': 'no such thing' }));
      stream.resume();
      stream.on('end', () => stream.end());
      return;
    }
    stream.on('wantTrailers', ok);
    const bidi = path.endsWith('/Bidi');
    const got: Buffer[] = [];
    const d = new Deframer((m) => {
      if (bidi) stream.write(frame(Buffer.concat([Buffer.from('echo:'), m])));
      else got.push(m);
    });
    stream.on('data', (c: Buffer) => d.push(c));
    stream.on('end', () => {
      if (!bidi) stream.write(frame(Buffer.from(Buffer.concat(got).toString().toUpperCase())));
      stream.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  t.after(() => {
    for (const s of sessions) s.destroy();
    return new Promise<void>((r) => server.close(() => r()));
  });
  return { port, address: `127.0.0.1:${port}`, calls };
}

export interface CallResult {
  httpStatus: number;
  /** grpc-status from the trailers, or from the headers of a trailers-only reply. */
  grpcStatus: number;
  grpcMessage: string | undefined;
  messages: string[];
  headers: IncomingHttpHeaders;
}

/** A gRPC call on an h2 session: sends `requests` (then ends), collects the replies. */
export function call(session: ClientHttp2Session, method: string, requests: string[], extra: Record<string, string> = {}): Promise<CallResult> {
  return new Promise((resolve, reject) => {
    const req = session.request({
      ':method': 'POST',
      ':path': `/echo.Echo/${method}`,
      'content-type': 'application/grpc',
      te: 'trailers',
      ...extra,
    });
    const messages: string[] = [];
    let headers: IncomingHttpHeaders = {};
    let trailers: IncomingHttpHeaders = {};
    const d = new Deframer((m) => messages.push(m.toString()));
    req.on('response', (h) => (headers = h));
    req.on('trailers', (h) => (trailers = h));
    req.on('data', (c: Buffer) => d.push(c));
    req.on('end', () => {
      const status = trailers['grpc-status'] ?? headers['grpc-status'];
      const message = trailers['grpc-message'] ?? headers['grpc-message'];
      resolve({
        httpStatus: Number(headers[':status']),
        grpcStatus: status === undefined ? -1 : Number(status),
        grpcMessage: message === undefined ? undefined : decodeURIComponent(String(message)),
        messages,
        headers,
      });
    });
    req.on('error', reject);
    for (const r of requests) req.write(frame(r));
    req.end();
  });
}

/** What a lock-step bidi call saw: each reply in order, and the trailers at the end. */
export interface BidiResult {
  replies: string[];
  trailers: IncomingHttpHeaders;
}

/**
 * A /echo.Echo/Bidi call that sends each message only after the reply to the previous one has
 * arrived, so it proves messages stream both ways rather than being buffered to the end.
 */
export async function bidiLockstep(session: ClientHttp2Session, messages: string[]): Promise<BidiResult> {
  const req = session.request({ ':method': 'POST', ':path': '/echo.Echo/Bidi', 'content-type': 'application/grpc', te: 'trailers' });
  const replies: string[] = [];
  let waiter: (() => void) | null = null;
  const d = new Deframer((m) => {
    replies.push(m.toString());
    waiter?.();
  });
  req.on('data', (c: Buffer) => d.push(c));
  let trailers: IncomingHttpHeaders = {};
  req.on('trailers', (h) => (trailers = h));
  for (const m of messages) {
    const next = new Promise<void>((r) => (waiter = r));
    req.write(frame(m));
    await next;
  }
  req.end();
  await once(req, 'end');
  return { replies, trailers };
}
