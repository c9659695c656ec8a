/**
 * The listener's HTTP filters on a WebSocket upgrade request: the request headers pass the
 * decoder filters (decodeHeaders, with :method, :path, :authority, :scheme) before anything is
 * forwarded, so auth, header rewrites and rejections apply to upgrades as to any request. A
 * local reply from a filter is written instead of the upgrade. After the 101 the tunnel carries
 * opaque bytes: filters see no frames (HTTP filters have no callback for them).
 */
import type { FilterStream, FilterStreamSink } from '../filter/contract.js';
import type { Route } from '../router/contract.js';
import type { ListenerSnapshot } from './context.js';
import { HeaderMap } from './header-map.js';
import type { LocalReply } from './local-reply.js';
import { dropHopByHop, flatToRecord } from './request-head.js';
import type { StreamInfo } from './stream-info.js';

/** Where the filtered upgrade goes next. */
export interface UpgradeOutcome {
  /** Forward the (possibly changed) request; `headers` flat, lower-case, hop-by-hop removed. */
  proceed(method: string, path: string, authority: string, headers: string[]): void;
  /** A filter answered (or failed closed): write this instead. */
  reply(r: LocalReply): void;
}

/**
 * Runs the decoder filters over the upgrade request (or proceeds at once when the listener has
 * none). Returns the filter stream's completion, to call when the tunnel closes.
 */
export function runUpgradeFilters(
  snap: ListenerSnapshot,
  info: StreamInfo,
  method: string,
  path: string,
  authority: string,
  scheme: string,
  flat: string[],
  out: UpgradeOutcome,
): () => void {
  const chain = snap.filterChain;
  if (chain === undefined) {
    out.proceed(method, path, authority, flat);
    return noop;
  }
  const map = new HeaderMap([':method', method, ':path', path, ':authority', authority, ':scheme', scheme].concat(flat));
  const routeOf = (h: HeaderMap): Route | null =>
    snap.router.route({ authority: h.get(':authority') ?? '', path: h.get(':path') ?? '/', method: h.get(':method') ?? 'GET', headers: flatToRecord(h.toRawWithoutPseudo()) });
  let current = routeOf(map);
  let replyStatus = 0;
  let replyHeaders: string[] = [];
  const replyBody: Buffer[] = [];
  const sendReply = (): void => out.reply({ status: replyStatus, headers: replyHeaders, body: Buffer.concat(replyBody) });
  const sink: FilterStreamSink = {
    info,
    sendRequestHeaders(h) {
      if (h.modified) current = routeOf(h);
      out.proceed(h.get(':method') ?? method, h.get(':path') ?? path, h.get(':authority') ?? authority, dropHopByHop(h.toRawWithoutPseudo()));
    },
    sendRequestData() {},
    sendRequestTrailers() {},
    sendResponseHeaders(h, endStream) {
      replyStatus = Number(h.get(':status') ?? 500);
      // content-length is recomputed from the collected body; the connection closes after it.
      replyHeaders = h.toRawWithoutPseudo().filter((_, i, a) => (i % 2 === 0 ? a[i] !== 'content-length' : a[i - 1] !== 'content-length'));
      if (endStream) finishReply();
    },
    sendResponseData(chunk, endStream) {
      if (chunk.length > 0) replyBody.push(chunk);
      if (endStream) finishReply();
    },
    sendResponseTrailers() {
      finishReply();
    },
    pauseRequestBody() {},
    resumeRequestBody() {},
    cancelUpstream() {},
    reset() {
      replyStatus = replyStatus || 503;
      finishReply();
    },
    currentRoute() {
      return current;
    },
  };
  function finishReply(): void {
    const len = replyBody.reduce((n, b) => n + b.length, 0);
    replyHeaders.push('content-length', String(len));
    sendReply();
  }
  const fs: FilterStream = chain.createStream(info, sink, current);
  fs.decodeHeaders(map, true);
  return () => fs.complete();
}

function noop(): void {}
