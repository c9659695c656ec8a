/**
 * One try of an upstream request: the handler undici's `dispatch` drives. It only forwards
 * events to its owner (the UpstreamRequest) and ignores everything once it is `done`, so a try
 * that was timed out or abandoned for a retry can never touch the downstream response.
 *
 * This uses undici's raw handler callbacks (onConnect / onHeaders / onData / onComplete /
 * onError): they hand over the response headers as the Buffer pairs read off the wire, without
 * the header object undici's newer onResponseStart API builds for every response (see
 * DESIGN.md: the dispatch path is the fast one, and the work per response is the cost).
 */
import type { Endpoint } from '../upstream/contract.js';

/** What an attempt reports to; implemented by UpstreamRequest. */
export interface AttemptOwner {
  attemptHeaders(a: UpstreamAttempt, status: number, raw: Buffer[], resume: () => void): boolean;
  attemptData(a: UpstreamAttempt, chunk: Buffer): boolean;
  attemptComplete(a: UpstreamAttempt, trailers: readonly Buffer[] | null): void;
  attemptError(a: UpstreamAttempt, err: Error): void;
  attemptBodySent(bytes: number): void;
  /** A bug in the pipeline threw inside an undici callback that undici would not catch. */
  attemptCrashed(err: unknown): void;
}

const ABORTED = Object.freeze(Object.assign(new Error('request aborted by the gateway'), { code: 'SLUICE_ABORTED' }));

export class UpstreamAttempt {
  /** undici's abort for this request, once it is on a connected socket. */
  private abortFn: ((err?: Error) => void) | null = null;
  /** onConnect ran: the request went out on a connected socket (later socket errors are resets). */
  dispatched = false;
  /** Ignore every further event (timed out, superseded, or downstream gone). */
  done = false;
  /** Response was retriable: its body is drained and dropped, then the next try starts. */
  discard = false;
  /** Status of the response this try got (0 until headers). */
  status = 0;

  constructor(
    private readonly owner: AttemptOwner,
    readonly endpoint: Endpoint,
    readonly startedAt: number,
  ) {}

  /** Stops this try: no more events reach the owner; the upstream connection is torn down. */
  abort(): void {
    if (this.done) return;
    this.done = true;
    if (this.abortFn !== null) this.abortFn(ABORTED);
  }

  onConnect(abort: (err?: Error) => void): void {
    // Abandoned while still queued in the pool (the downstream went away first). Calling
    // undici's abort here would destroy the pooled connection it was about to use, so a burst
    // of cancelled requests would cost one upstream connection each and stall everyone else's
    // requests behind the reconnects. A throw from onConnect instead makes undici drop just
    // this request (errorRequest) and go on to the next one on the same connection.
    if (this.done) throw ABORTED;
    this.dispatched = true;
    this.abortFn = abort;
  }

  onHeaders(status: number, raw: Buffer[], resume: () => void, _statusText: string): boolean {
    if (this.done) return true;
    return this.owner.attemptHeaders(this, status, raw, resume);
  }

  onData(chunk: Buffer): boolean {
    if (this.done) return true;
    return this.owner.attemptData(this, chunk);
  }

  onComplete(trailers: Buffer[] | Record<string, string | string[] | undefined> | null): void {
    if (this.done) return;
    this.done = true;
    try {
      // HTTP/1.1 trailers arrive as raw Buffer pairs; undici's HTTP/2 client passes node's
      // trailer object instead. The owner takes one shape.
      this.owner.attemptComplete(this, trailers === null || Array.isArray(trailers) ? trailers : trailerPairs(trailers));
    } catch (err) {
      this.owner.attemptCrashed(err);
    }
  }

  onError(err: Error): void {
    if (this.done) return;
    this.done = true;
    try {
      this.owner.attemptError(this, err);
    } catch (e) {
      this.owner.attemptCrashed(e);
    }
  }

  onBodySent(chunk: Buffer | string): void {
    this.owner.attemptBodySent(typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length);
  }
}

/** node:http2's trailer object → raw pairs like HTTP/1.1's (multi-values kept, pseudo ones dropped). */
function trailerPairs(t: Record<string, string | string[] | undefined>): Buffer[] {
  const out: Buffer[] = [];
  for (const k of Object.keys(t)) {
    const v = t[k];
    if (v === undefined || k.charCodeAt(0) === 58 /* : */) continue;
    if (typeof v === 'string') out.push(Buffer.from(k), Buffer.from(v));
    else for (const one of v) out.push(Buffer.from(k), Buffer.from(String(one)));
  }
  return out;
}
