/**
 * The upstream half of one request: picks an endpoint through the cluster's load balancer,
 * dispatches on its undici pool, and streams the response to a sink as it arrives. Owns the
 * route timeout, per-try timeouts and retries (RetryPolicy), and turns every failure into one
 * sink call: a local reply when nothing was sent downstream yet, a reset when something was.
 * Never throws.
 */
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { GatewayMetrics, Logger } from '../observability/contract.js';
import type { ClusterRoute, RetryPolicy } from '../router/contract.js';
import type { Cluster, Endpoint } from '../upstream/contract.js';
import type { StreamInfo } from './stream-info.js';
import { UpstreamAttempt, type AttemptOwner } from './upstream-attempt.js';
import { FAILURE_REPLIES, classifyUpstreamError, type FailureReply, type TryOutcome } from './upstream-failure.js';
import { backoffMs, retriableFailure, retriableStatus } from './retry-state.js';
import { filterResponseHeaders } from './response-head.js';

/** Where the response goes: straight to node's ServerResponse, or through the filter chain. */
export interface UpstreamResponseSink {
  /** Response headers (status ≥ 200), hop-by-hop headers already removed. */
  upstreamHeaders(status: number, headers: string[]): void;
  /** A body chunk; false: downstream is full, call `UpstreamRequest.resume()` once it drains. */
  upstreamData(chunk: Buffer): boolean;
  /** The response is complete; `trailers`: raw trailer pairs, forwarded when not empty. */
  upstreamEnd(trailers: readonly Buffer[] | null): void;
  /** Failed before any response went downstream: answer locally with `reply`. */
  upstreamFailure(reply: FailureReply): void;
  /** Failed after the response started: the downstream stream must be reset. */
  upstreamReset(details: string): void;
}

/** The request as it goes upstream (path already rewritten, headers already final). */
export interface ProxyRequestSpec {
  method: string;
  path: string;
  headers: string[] | Record<string, string | string[]>;
  /** The streamed request body, or null for none. */
  body: Readable | null;
  /** Overrides the route timeout for this request (a gRPC deadline caps it); 0 = none. */
  timeoutMs?: number;
  /** Request trailers, asked for once the body has ended (HTTP/2 upstreams send them). */
  trailers?: () => Record<string, string | string[]> | undefined;
}

/** Shared per-listener pieces the proxy needs; built once, not per request. */
export interface ProxyDeps {
  metrics: GatewayMetrics;
  /** Uniform in [0, 1): retry back-off jitter. */
  random: () => number;
  log: Logger;
}

export class UpstreamRequest implements AttemptOwner {
  private attempt: UpstreamAttempt | null = null;
  private retriesDone = 0;
  private routeTimer: NodeJS.Timeout | undefined = undefined;
  private tryTimer: NodeJS.Timeout | undefined = undefined;
  private backoffTimer: NodeJS.Timeout | undefined = undefined;
  private resumeFn: (() => void) | null = null;
  /** Headers went to the sink: no retry, no local reply from here on. */
  private responseStarted = false;
  private finished = false;
  private readonly policy: RetryPolicy | undefined;
  private readonly opts: Dispatcher.DispatchOptions;
  private readonly timeoutMs: number;

  constructor(
    private readonly cluster: Cluster,
    private readonly route: ClusterRoute,
    private readonly hash: number | undefined,
    spec: ProxyRequestSpec,
    private readonly info: StreamInfo,
    private readonly sink: UpstreamResponseSink,
    private readonly deps: ProxyDeps,
  ) {
    this.policy = route.retryPolicy;
    // One options object for every try: undici copies what it needs into its own Request.
    this.opts = { origin: '', method: spec.method as Dispatcher.HttpMethod, path: spec.path, headers: spec.headers, body: spec.body };
    // Read by the HTTP/2 dispatcher (host/upstream/h2-dispatcher.ts); undici ignores it.
    if (spec.trailers !== undefined) (this.opts as { requestTrailers?: unknown }).requestTrailers = spec.trailers;
    this.timeoutMs = spec.timeoutMs ?? route.timeoutMs;
  }

  start(): void {
    const t = this.timeoutMs;
    if (t > 0) this.routeTimer = setTimeout(onRouteTimeout, t, this);
    this.tryOnce(undefined);
  }

  /** The downstream is gone (client disconnect): stop everything, report nothing. */
  cancel(): void {
    if (this.finished) return;
    this.finished = true;
    this.clearTimers();
    const a = this.attempt;
    if (a !== null && !a.done) {
      a.abort();
      this.endTry(a, 'reset', 0);
    }
  }

  /** The downstream drained: let undici read the upstream socket again. */
  resume(): void {
    const r = this.resumeFn;
    if (r !== null) r();
  }

  private tryOnce(exclude: Endpoint | undefined): void {
    const ep = this.cluster.chooseEndpoint(this.hash, exclude);
    if (ep === null) {
      this.fail(FAILURE_REPLIES.no_healthy_upstream);
      return;
    }
    const a = new UpstreamAttempt(this, ep, performance.now());
    this.attempt = a;
    this.info.upstreamAttempts++;
    this.info.upstreamHost = ep.address;
    this.cluster.onRequestStart(ep);
    const p = this.policy;
    if (p !== undefined && p.perTryTimeoutMs > 0) this.tryTimer = setTimeout(onTryTimeout, p.perTryTimeoutMs, this, a);
    this.opts.origin = ep.origin;
    try {
      // The raw callbacks UpstreamAttempt implements are part of DispatchHandler (marked deprecated in the types).
      ep.dispatcher.dispatch(this.opts, a as unknown as Dispatcher.DispatchHandler);
    } catch (err) {
      // dispatch reports through onError; a throw here means bad options (e.g. an invalid header).
      if (!a.done) {
        a.done = true;
        this.attemptError(a, err as Error);
      }
    }
  }

  attemptHeaders(a: UpstreamAttempt, status: number, raw: Buffer[], resume: () => void): boolean {
    // 1xx (100 Continue, 103 Early Hints) is informational: the real response follows.
    if (status < 200) return true;
    a.status = status;
    this.clearTryTimer();
    if (this.info.upstreamLatencyMs < 0) this.info.upstreamLatencyMs = performance.now() - this.info.startTime;
    const p = this.policy;
    if (p !== undefined && retriableStatus(p, status)) {
      if (this.canRetry(p)) {
        a.discard = true;
        return true;
      }
      // URX only when retries were spent, not when the body rule forbade one.
      if (p.numRetries > 0 && this.retriesDone >= p.numRetries) this.info.responseFlags.push('URX');
    }
    this.responseStarted = true;
    this.resumeFn = resume;
    this.sink.upstreamHeaders(status, filterResponseHeaders(raw));
    return true;
  }

  attemptData(a: UpstreamAttempt, chunk: Buffer): boolean {
    if (a.discard) return true;
    return this.sink.upstreamData(chunk);
  }

  attemptComplete(a: UpstreamAttempt, trailers: readonly Buffer[] | null): void {
    this.endTry(a, 'ok', a.status);
    if (this.finished) return;
    if (a.discard) {
      this.scheduleRetry(a.endpoint);
      return;
    }
    this.finished = true;
    this.clearTimers();
    this.sink.upstreamEnd(trailers !== null && trailers.length > 0 ? trailers : null);
  }

  attemptError(a: UpstreamAttempt, err: Error): void {
    const outcome = classifyUpstreamError(err, a.dispatched);
    this.endTry(a, outcome, 0);
    if (this.finished) return;
    this.failTry(a, outcome);
  }

  attemptCrashed(err: unknown): void {
    this.deps.log.error('proxy callback failed', { error: String((err as Error)?.stack ?? err) });
    if (this.finished) return;
    this.finished = true;
    this.clearTimers();
    try {
      this.sink.upstreamReset('internal_error');
    } catch {
      // Nothing more can be done for this stream; the process must go on.
    }
  }

  attemptBodySent(bytes: number): void {
    this.info.bytesReceived += bytes;
  }

  /** Per-try timeout: the try is abandoned and counts as a timeout. */
  tryTimedOut(a: UpstreamAttempt): void {
    this.tryTimer = undefined;
    if (a.done || this.finished) return;
    a.abort();
    this.endTry(a, 'timeout', 0);
    this.failTry(a, 'timeout');
  }

  /** Route timeout: covers every try and back-off, up to the end of the response. */
  routeTimedOut(): void {
    this.routeTimer = undefined;
    if (this.finished) return;
    const a = this.attempt;
    if (a !== null && !a.done) {
      a.abort();
      this.endTry(a, 'timeout', 0);
    }
    if (this.responseStarted) {
      this.finished = true;
      this.clearTimers();
      this.info.responseFlags.push('UT');
      this.sink.upstreamReset('upstream_response_timeout');
      return;
    }
    this.fail(FAILURE_REPLIES.timeout);
  }

  private failTry(a: UpstreamAttempt, outcome: TryOutcome): void {
    if (this.responseStarted) {
      this.finished = true;
      this.clearTimers();
      const r = FAILURE_REPLIES[outcome];
      this.info.responseFlags.push(r.flag);
      this.sink.upstreamReset(r.details);
      return;
    }
    const p = this.policy;
    // A try whose retriable response was being drained: the retry was decided already.
    if (a.discard || (p !== undefined && retriableFailure(p, outcome) && this.canRetry(p))) {
      this.scheduleRetry(a.endpoint);
      return;
    }
    if (p !== undefined && p.numRetries > 0 && this.retriesDone >= p.numRetries && retriableFailure(p, outcome)) {
      this.info.responseFlags.push('URX');
    }
    this.fail(FAILURE_REPLIES[outcome]);
  }

  /** Retries left, and the body (if any) not yet read: a started stream cannot be replayed. */
  private canRetry(p: RetryPolicy): boolean {
    if (this.retriesDone >= p.numRetries) return false;
    const body = this.opts.body as Readable | null;
    return body === null || (!body.readableDidRead && !body.destroyed);
  }

  private scheduleRetry(last: Endpoint): void {
    this.retriesDone++;
    this.deps.metrics.upstreamRetry(this.cluster.name);
    const delay = backoffMs(this.policy!, this.retriesDone, this.deps.random);
    this.backoffTimer = setTimeout(onBackoffDone, delay, this, last);
  }

  backoffDone(last: Endpoint): void {
    this.backoffTimer = undefined;
    if (!this.finished) this.tryOnce(last);
  }

  private fail(reply: FailureReply): void {
    this.finished = true;
    this.clearTimers();
    this.sink.upstreamFailure(reply);
  }

  private endTry(a: UpstreamAttempt, outcome: 'ok' | TryOutcome, status: number): void {
    if (this.attempt === a) this.resumeFn = null;
    this.cluster.onRequestEnd(a.endpoint, outcome);
    this.deps.metrics.upstreamRequest(this.cluster.name, status, performance.now() - a.startedAt);
  }

  private clearTryTimer(): void {
    if (this.tryTimer !== undefined) {
      clearTimeout(this.tryTimer);
      this.tryTimer = undefined;
    }
  }

  private clearTimers(): void {
    this.clearTryTimer();
    if (this.routeTimer !== undefined) {
      clearTimeout(this.routeTimer);
      this.routeTimer = undefined;
    }
    if (this.backoffTimer !== undefined) {
      clearTimeout(this.backoffTimer);
      this.backoffTimer = undefined;
    }
  }
}

// Timer callbacks are plain functions with arguments, so arming a timer allocates no closure.
function onRouteTimeout(r: UpstreamRequest): void {
  r.routeTimedOut();
}
function onTryTimeout(r: UpstreamRequest, a: UpstreamAttempt): void {
  r.tryTimedOut(a);
}
function onBackoffDone(r: UpstreamRequest, last: Endpoint): void {
  r.backoffDone(last);
}
