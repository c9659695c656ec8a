/**
 * HTTP/2 test harness: a gateway whose first listener's connections go through the HTTP codec
 * (createHttpCodec) from a net / tls server of the test's own (until listeners switch to the
 * codec themselves), node:http2 clients and upstreams, and a self-signed certificate made with
 * openssl. Everything binds 127.0.0.1 port 0 and is cleaned up through t.after().
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  connect as h2connect,
  createSecureServer,
  createServer as createH2cServer,
  type ClientHttp2Session,
  type Http2Server,
  type Http2SecureServer,
  type IncomingHttpHeaders,
  type OutgoingHttpHeaders,
  type ServerHttp2Stream,
} from 'node:http2';
import { createServer as createNetServer, type AddressInfo, type Server as NetServer } from 'node:net';
import { createServer as createTlsServer, TLSSocket } from 'node:tls';
import type { TestContext } from 'node:test';
import { createHttpCodec, type HttpCodec, type HttpCodecOptions } from '../../host/http/codec.js';
import type { HttpListenerContext } from '../../host/http/context.js';

export interface Cert {
  key: Buffer;
  cert: Buffer;
  keyFile: string;
  certFile: string;
}

/** A self-signed certificate for localhost / 127.0.0.1 (openssl, in a temp dir removed after the test). */
export function selfSignedCert(t: TestContext): Cert {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-cert-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyFile, '-out', certFile,
      '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'],
    { stdio: 'ignore' },
  );
  return { key: readFileSync(keyFile), cert: readFileSync(certFile), keyFile, certFile };
}

export interface Front {
  port: number;
  codec: HttpCodec;
}

function listen(t: TestContext, server: NetServer): Promise<number> {
  t.after(() => new Promise<void>((r) => server.close(() => r())));
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r((server.address() as AddressInfo).port)));
}

/** Cleartext front: every connection goes to codec.serve (auto-detects h2c prior knowledge). */
export async function cleartextFront(t: TestContext, ctx: HttpListenerContext, opts: HttpCodecOptions = {}): Promise<Front> {
  const codec = createHttpCodec(ctx, opts);
  t.after(() => codec.close());
  const server = createNetServer((socket) => codec.serve(socket, { alpn: undefined, tls: false }));
  return { port: await listen(t, server), codec };
}

/** TLS front with ALPN h2 / http/1.1. */
export async function tlsFront(t: TestContext, ctx: HttpListenerContext, cert: Cert, opts: HttpCodecOptions = {}): Promise<Front> {
  const codec = createHttpCodec(ctx, opts);
  t.after(() => codec.close());
  const server = createTlsServer({ key: cert.key, cert: cert.cert, ALPNProtocols: ['h2', 'http/1.1'] }, (socket: TLSSocket) =>
    codec.serve(socket, { alpn: socket.alpnProtocol, tls: true }),
  );
  return { port: await listen(t, server), codec };
}

/** TLS front the way the listener does it: raw accept, then `new TLSSocket(raw, { isServer })`. */
export async function wrappedTlsFront(t: TestContext, ctx: HttpListenerContext, cert: Cert): Promise<Front> {
  const codec = createHttpCodec(ctx);
  t.after(() => codec.close());
  const server = createNetServer({ pauseOnConnect: true }, (raw) => {
    const socket = new TLSSocket(raw, { isServer: true, key: cert.key, cert: cert.cert, ALPNProtocols: ['h2', 'http/1.1'] });
    socket.on('error', () => socket.destroy());
    socket.once('secure', () => codec.serve(socket, { alpn: socket.alpnProtocol, tls: true }));
  });
  return { port: await listen(t, server), codec };
}

/** An h2 client session, closed after the test. */
export function h2client(t: TestContext, url: string, opts: { ca?: Buffer } = {}): ClientHttp2Session {
  const s = h2connect(url, opts.ca ? { ca: opts.ca, servername: 'localhost' } : {});
  s.on('error', () => {});
  t.after(() => {
    if (!s.destroyed) s.destroy();
  });
  return s;
}

export interface H2Result {
  headers: IncomingHttpHeaders;
  body: Buffer;
  trailers: IncomingHttpHeaders | undefined;
}

/** One request on a session: optional body (buffer or chunks) and request trailers. */
export function h2request(
  session: ClientHttp2Session,
  headers: OutgoingHttpHeaders,
  body?: Buffer | string,
  trailers?: OutgoingHttpHeaders,
): Promise<H2Result> {
  return new Promise((resolve, reject) => {
    const req = session.request(headers, { endStream: body === undefined && trailers === undefined, waitForTrailers: trailers !== undefined });
    if (trailers !== undefined) req.on('wantTrailers', () => req.sendTrailers(trailers));
    let resHeaders: IncomingHttpHeaders = {};
    let resTrailers: IncomingHttpHeaders | undefined;
    const chunks: Buffer[] = [];
    req.on('response', (h) => (resHeaders = h));
    req.on('trailers', (h) => (resTrailers = h));
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve({ headers: resHeaders, body: Buffer.concat(chunks), trailers: resTrailers }));
    req.on('error', reject);
    if (body !== undefined) req.end(body);
    else if (trailers !== undefined) req.end();
  });
}

export interface H2Upstream {
  server: Http2Server | Http2SecureServer;
  port: number;
  address: string;
  /** Request headers and trailers seen, in order. */
  seen: { headers: IncomingHttpHeaders; trailers: IncomingHttpHeaders | undefined; body: Buffer }[];
}

/** An h2c (or, with `cert`, h2 over TLS) upstream; `handler` answers each stream. */
export async function h2Upstream(
  t: TestContext,
  handler: (stream: ServerHttp2Stream, headers: IncomingHttpHeaders, seen: H2Upstream['seen'][number]) => void,
  cert?: Cert,
): Promise<H2Upstream> {
  const seen: H2Upstream['seen'] = [];
  const server = cert ? createSecureServer({ key: cert.key, cert: cert.cert }) : createH2cServer();
  server.on('stream', (stream, headers) => {
    const rec = { headers, trailers: undefined as IncomingHttpHeaders | undefined, body: Buffer.alloc(0) };
    seen.push(rec);
    stream.on('trailers', (tr) => (rec.trailers = tr));
    stream.on('error', () => {});
    handler(stream, headers, rec);
  });
  const sessions = new Set<import('node:http2').Http2Session>();
  server.on('session', (s) => {
    sessions.add(s);
    s.on('close', () => sessions.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  t.after(() => {
    for (const s of sessions) s.destroy();
    return new Promise<void>((r) => server.close(() => r()));
  });
  return { server, port, address: `127.0.0.1:${port}`, seen };
}

/** Reads a server stream's whole body. */
export function readAll(stream: ServerHttp2Stream): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
  });
}
