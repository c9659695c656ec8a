/**
 * shared-counter (example): counts requests in shared data (one count for every stream and
 * every VM with the same vm_id, updated with compare-and-swap), reports the count on the
 * response, and publishes each request's path on a shared queue that the root drains and logs.
 * Shows shared data, CAS retries, queues, onQueueReady and ticks.
 *
 * Configuration: { "key": "requests", "log_every_ms": 0 }  (log_every_ms > 0 logs the count on a tick)
 */
import {
  FilterHeadersStatus, HttpContext, RootContext, WasmResult, dequeue, enqueue, getSharedData, log,
  parseJson, registerQueue, registerRoot, setSharedText,
} from "sdk/assembly";
export * from "sdk/assembly/exports/core";
export * from "sdk/assembly/exports/http-headers";

function increment(key: string): i64 {
  for (let attempt = 0; attempt < 16; attempt++) {
    const current = getSharedData(key);
    const n: i64 = current === null ? 0 : I64.parseInt(current.text());
    const status = setSharedText(key, (n + 1).toString(), current === null ? 0 : current.cas);
    if (status == WasmResult.Ok) return n + 1;
    if (status != WasmResult.CasMismatch) break;
  }
  return -1;
}

class CounterRoot extends RootContext {
  key: string = "requests";
  queue: u32 = 0;
  seenPaths: i32 = 0;

  onConfigure(size: u32): bool {
    const text = this.configurationText();
    const cfg = parseJson(text.length > 0 ? text : "{}");
    if (cfg === null || !cfg.isObject) return false;
    this.key = cfg.getString("key", "requests");
    this.queue = registerQueue("paths");
    const every = <u32>cfg.getNumber("log_every_ms", 0);
    if (every > 0) this.setTickPeriod(every);
    return this.queue != 0;
  }

  onQueueReady(queueId: u32): void {
    let item = dequeue(queueId);
    while (item !== null) {
      this.seenPaths++;
      log.info("shared-counter: path " + String.UTF8.decode(item) + " (#" + this.seenPaths.toString() + ")");
      item = dequeue(queueId);
    }
  }

  onTick(): void {
    const v = getSharedData(this.key);
    log.info("shared-counter: tick, count " + (v === null ? "0" : v.text()));
  }

  newHttpContext(id: u32): HttpContext | null {
    return new CounterFilter(id, this);
  }
}

class CounterFilter extends HttpContext {
  count: i64 = 0;

  onRequestHeaders(n: u32, endOfStream: bool): FilterHeadersStatus {
    const root = this.root as CounterRoot;
    this.count = increment(root.key);
    const path = this.requestHeaders.get(":path");
    if (path !== null) enqueue(root.queue, String.UTF8.encode(path));
    return FilterHeadersStatus.Continue;
  }

  onResponseHeaders(n: u32, endOfStream: bool): FilterHeadersStatus {
    this.responseHeaders.set("x-request-count", this.count.toString());
    return FilterHeadersStatus.Continue;
  }
}

registerRoot("shared-counter", (id: u32): RootContext => new CounterRoot(id));
