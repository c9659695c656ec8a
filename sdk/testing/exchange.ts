/**
 * One request/response exchange through a real filter chain, in-process: the harness plays the
 * connection manager (a FilterStreamSink that records what it is asked to send) and the
 * upstream (answers once the whole request reached it).
 */
import type { FilterStreamSink, HttpFilterChain } from '../../host/filter/contract.js';
import { HeaderMap } from '../../host/http/header-map.js';
import { newStreamInfo, type StreamInfo } from '../../host/http/stream-info.js';
import type { Route } from '../../host/router/contract.js';
import type { ExchangeResult, HeadersInit, RequestSpec, ResponseSpec, UpstreamRequest } from './types.js';

/** Builds a HeaderMap from pseudo-headers and test input. */
export function toHeaderMap(pseudo: string[], init: HeadersInit | undefined): HeaderMap {
  const raw: string[] = [];
  if (Array.isArray(init)) for (const [k, v] of init as ReadonlyArray<readonly [string, string]>) raw.push(k, v);
  else if (init) {
    for (const [k, v] of Object.entries(init as Record<string, string | readonly string[]>)) {
      if (typeof v === 'string') raw.push(k, v);
      else for (const one of v) raw.push(k, one);
    }
  }
  return HeaderMap.fromRaw(pseudo, raw);
}

function chunksOf(body: RequestSpec['body']): Buffer[] {
  if (body === undefined) return [];
  const list = typeof body === 'string' || Buffer.isBuffer(body) ? [body] : body;
  return list.map((c) => (typeof c === 'string' ? Buffer.from(c) : c)).filter((c) => c.length > 0);
}

class RecordingSink implements FilterStreamSink {
  upHeaders: HeaderMap | undefined;
  upBody: Buffer[] = [];
  upTrailers: HeaderMap | undefined;
  upDone = false;
  cancelled = false;
  downHeaders: HeaderMap | undefined;
  downBody: Buffer[] = [];
  downTrailers: HeaderMap | undefined;
  resetDetails: string | undefined;
  onUpstreamDone: () => void = () => {};
  onFinished: () => void = () => {};

  constructor(readonly info: StreamInfo) {}

  private upstreamEnded(): void {
    this.upDone = true;
    this.onUpstreamDone();
  }
  sendRequestHeaders(h: HeaderMap, end: boolean): void {
    this.upHeaders = h;
    if (end) this.upstreamEnded();
  }
  sendRequestData(chunk: Buffer, end: boolean): void {
    if (chunk.length) this.upBody.push(Buffer.from(chunk));
    if (end) this.upstreamEnded();
  }
  sendRequestTrailers(t: HeaderMap): void {
    this.upTrailers = t;
    this.upstreamEnded();
  }
  sendResponseHeaders(h: HeaderMap, end: boolean): void {
    this.downHeaders = h;
    if (end) this.onFinished();
  }
  sendResponseData(chunk: Buffer, end: boolean): void {
    if (chunk.length) this.downBody.push(Buffer.from(chunk));
    if (end) this.onFinished();
  }
  sendResponseTrailers(t: HeaderMap): void {
    this.downTrailers = t;
    this.onFinished();
  }
  pauseRequestBody(): void {}
  resumeRequestBody(): void {}
  cancelUpstream(): void {
    this.cancelled = true;
  }
  reset(details: string): void {
    this.resetDetails = details;
    this.onFinished();
  }
  currentRoute(): Route | null {
    return null;
  }
}

/** Plays the upstream: sends `spec` back through the encoder side of the stream. */
function answer(stream: ReturnType<HttpFilterChain['createStream']>, spec: ResponseSpec): void {
  const body = chunksOf(spec.body);
  const hasTrailers = spec.trailers !== undefined;
  const h = toHeaderMap([':status', String(spec.status ?? 200)], spec.headers);
  if (!h.has('content-length') && !hasTrailers) h.add('content-length', String(body.reduce((n, c) => n + c.length, 0)));
  h.modified = false;
  stream.encodeHeaders(h, body.length === 0 && !hasTrailers);
  body.forEach((c, i) => stream.encodeData(c, i === body.length - 1 && !hasTrailers));
  if (hasTrailers) stream.encodeTrailers(toHeaderMap([], spec.trailers));
}

function upstreamView(sink: RecordingSink): UpstreamRequest | undefined {
  const headers = sink.upHeaders;
  if (!headers) return undefined;
  return { headers, body: Buffer.concat(sink.upBody), trailers: sink.upTrailers, header: (n) => headers.get(n) };
}

/** Runs one exchange through `chain`; rejects if it does not finish within the timeout. */
export async function runExchange(chain: HttpFilterChain, spec: RequestSpec): Promise<ExchangeResult> {
  const info = newStreamInfo('harness');
  info.method = spec.method ?? 'GET';
  info.path = spec.path ?? '/';
  info.authority = spec.authority ?? 'example.com';
  info.scheme = spec.scheme ?? 'http';
  info.downstreamRemoteAddress = spec.remoteAddress ?? '127.0.0.1';
  info.downstreamRemotePort = spec.remotePort ?? 40000;
  info.downstreamLocalAddress = '127.0.0.1';
  info.downstreamLocalPort = 8080;
  info.routeName = spec.routeName;
  const sink = new RecordingSink(info);
  const stream = chain.createStream(info, sink, null);
  const finished = new Promise<void>((resolve) => (sink.onFinished = resolve));
  sink.onUpstreamDone = () => {
    // Answer on a later turn, as a real upstream would: never inside a filter callback.
    setImmediate(() => {
      if (sink.cancelled || sink.resetDetails !== undefined) return;
      const up = upstreamView(sink)!;
      const u = spec.upstream;
      answer(stream, typeof u === 'function' ? u(up) : u ?? {});
    });
  };
  const body = chunksOf(spec.body);
  const hasTrailers = spec.trailers !== undefined;
  const pseudo = [':method', info.method, ':path', info.path, ':authority', info.authority, ':scheme', info.scheme];
  stream.decodeHeaders(toHeaderMap(pseudo, spec.headers), body.length === 0 && !hasTrailers);
  body.forEach((c, i) => stream.decodeData(c, i === body.length - 1 && !hasTrailers));
  if (hasTrailers) stream.decodeTrailers(toHeaderMap([], spec.trailers));
  const ms = spec.timeoutMs ?? 5000;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), ms)));
  const outcome = await Promise.race([finished, timedOut]);
  clearTimeout(timer);
  stream.complete();
  if (outcome === 'timeout') {
    const where = sink.upHeaders ? (sink.downHeaders ? 'response body' : 'upstream response') : 'request filters';
    throw new Error(`exchange did not finish within ${ms} ms (stuck in ${where})`);
  }
  const headers = sink.downHeaders ?? new HeaderMap();
  const resBody = Buffer.concat(sink.downBody);
  return {
    status: Number(headers.get(':status') ?? 0),
    headers,
    body: resBody,
    text: resBody.toString('utf8'),
    trailers: sink.downTrailers,
    header: (n) => headers.get(n),
    upstream: upstreamView(sink),
    localReply: info.responseFlags.includes('LR'),
    details: sink.resetDetails ?? info.responseCodeDetails,
    reset: sink.resetDetails,
    info,
  };
}
