/**
 * fault-injection: delays requests by a fixed time and/or aborts them with a status, for a
 * percentage of requests or when a request header asks (if enabled). Delay first, then abort,
 * as in Envoy. Delays use the root's tick: a delayed stream is paused and resumed once due.
 * See README.md for the configuration.
 */
import {
  Counter, FilterHeadersStatus, HttpContext, JsonValue, RootContext, httpContextOf, log, nowMillis, parseJson,
  randomFloat, registerRoot, WasmResult,
} from "sdk/assembly";
// Header callbacks only: the host then skips body and trailer delivery for this filter.
export * from "sdk/assembly/exports/core";
export * from "sdk/assembly/exports/http-headers";

/** Tick granularity while delayed streams wait, ms. */
const TICK_MS: u32 = 5;

class FaultRoot extends RootContext {
  abortStatus: u32 = 0;
  abortPercent: f64 = 0;
  abortBody: string = "fault filter abort";
  delayMs: u64 = 0;
  delayPercent: f64 = 0;
  headerControl: bool = false;
  abortHeader: string = "x-fault-abort";
  delayHeader: string = "x-fault-delay";
  maxHeaderDelayMs: u64 = 10000;
  /** Context ids of delayed streams and when each is due (parallel arrays, small). */
  waiting: Array<u32> = new Array<u32>();
  dueAt: Array<u64> = new Array<u64>();
  ticking: bool = false;
  aborted: Counter | null = null;
  delayed: Counter | null = null;

  onConfigure(size: u32): bool {
    const text = this.configurationText();
    const cfg = parseJson(text.length == 0 ? "{}" : text);
    if (cfg === null || !cfg.isObject) {
      log.error("fault-injection: configuration must be a JSON object");
      return false;
    }
    const abort = cfg.getObject("abort");
    if (abort !== null) {
      const status = abort.getNumber("status", 0);
      if (status < 200 || status > 599) {
        log.error("fault-injection: abort.status must be an HTTP status (200-599)");
        return false;
      }
      this.abortStatus = <u32>status;
      this.abortPercent = percent(abort);
      this.abortBody = abort.getString("body", this.abortBody);
    }
    const delay = cfg.getObject("delay");
    if (delay !== null) {
      const ms = delay.getNumber("fixed_delay_ms", -1);
      if (ms < 0) {
        log.error("fault-injection: delay.fixed_delay_ms must be a non-negative number");
        return false;
      }
      this.delayMs = <u64>ms;
      this.delayPercent = percent(delay);
    }
    const headers = cfg.getObject("header_control");
    if (headers !== null) {
      this.headerControl = headers.getBool("enabled", true);
      this.abortHeader = headers.getString("abort_header", this.abortHeader).toLowerCase();
      this.delayHeader = headers.getString("delay_header", this.delayHeader).toLowerCase();
      this.maxHeaderDelayMs = <u64>headers.getNumber("max_delay_ms", 10000);
    }
    this.aborted = new Counter("aborted");
    this.delayed = new Counter("delayed");
    return true;
  }

  /** Pauses stream `id` for `ms`. */
  hold(id: u32, ms: u64): void {
    this.waiting.push(id);
    this.dueAt.push(nowMillis() + ms);
    if (!this.ticking) {
      this.ticking = true;
      this.setTickPeriod(TICK_MS);
    }
  }

  onTick(): void {
    const now = nowMillis();
    let i = 0;
    while (i < this.waiting.length) {
      if (this.dueAt[i] > now) { i++; continue; }
      const id = this.waiting[i];
      this.waiting.splice(i, 1);
      this.dueAt.splice(i, 1);
      // The stream may have ended (client went away) while it waited.
      const ctx = httpContextOf(id);
      if (ctx !== null) (ctx as Fault).delayOver();
    }
    if (this.waiting.length == 0) {
      this.ticking = false;
      this.setTickPeriod(0);
    }
  }

  newHttpContext(id: u32): HttpContext | null {
    return new Fault(id, this);
  }
}

function percent(obj: JsonValue): f64 {
  const p = obj.getNumber("percentage", 100);
  return p < 0 ? 0 : p > 100 ? 100 : p;
}

/** True with probability `pct` percent (no randomness spent on 0 and 100). */
function chance(pct: f64): bool {
  if (pct <= 0) return false;
  if (pct >= 100) return true;
  return randomFloat() * 100 < pct;
}

/** Parses a non-negative decimal header value; -1 when malformed. */
function parseUint(s: string | null): i64 {
  if (s === null || s.length == 0 || s.length > 9) return -1;
  let v: i64 = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
    v = v * 10 + <i64>(c - 48);
  }
  return v;
}

class Fault extends HttpContext {
  /** Status to abort with after the delay (0 = none). */
  pendingAbort: u32 = 0;

  onRequestHeaders(count: u32, endOfStream: bool): FilterHeadersStatus {
    const root = this.root as FaultRoot;
    let delay: i64 = -1;
    let abort: u32 = 0;
    if (root.headerControl) {
      const d = parseUint(this.requestHeaders.get(root.delayHeader));
      if (d >= 0) delay = d > <i64>root.maxHeaderDelayMs ? <i64>root.maxHeaderDelayMs : d;
      const a = parseUint(this.requestHeaders.get(root.abortHeader));
      if (a >= 200 && a <= 599) abort = <u32>a;
    }
    if (delay < 0 && root.delayPercent > 0 && chance(root.delayPercent)) delay = <i64>root.delayMs;
    if (abort == 0 && root.abortStatus != 0 && chance(root.abortPercent)) abort = root.abortStatus;
    if (delay > 0) {
      this.pendingAbort = abort;
      root.delayed!.increment();
      root.hold(this.contextId, <u64>delay);
      return FilterHeadersStatus.StopIteration;
    }
    if (abort != 0) {
      this.abort(abort);
      return FilterHeadersStatus.StopIteration;
    }
    return FilterHeadersStatus.Continue;
  }

  abort(status: u32): void {
    (this.root as FaultRoot).aborted!.increment();
    // The request is paused: without a reply it must still end, never hang.
    if (this.sendLocalResponse(status, (this.root as FaultRoot).abortBody, null, "fault_filter_abort") != WasmResult.Ok) this.close();
  }

  /** Called by the root's tick once the delay elapsed. */
  delayOver(): void {
    if (this.pendingAbort != 0) this.abort(this.pendingAbort);
    else this.resumeRequest();
  }
}

registerRoot("fault-injection", (id: u32): RootContext => new FaultRoot(id));
