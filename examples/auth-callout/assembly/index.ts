/**
 * auth-callout (example): asks an auth service before letting a request through, the classic
 * proxy-wasm pattern: pause in onRequestHeaders, http_call, then resume or answer from the
 * callback. Shows http_call with a callback, pause/resume, local replies, metrics and logging.
 *
 * Configuration: { "cluster": "auth", "path": "/check", "timeout_ms": 1000 }
 * The auth service gets GET <path> with the client's authorization header; a 200 lets the
 * request through with x-auth-user set from its x-user header, anything else gives 403, and
 * no answer gives 503.
 */
import {
  BaseContext, Counter, FilterHeadersStatus, Header, HttpCallResponse, HttpContext, RootContext, log, parseJson,
  registerRoot,
} from "sdk/assembly";
export * from "sdk/assembly/exports/core";
export * from "sdk/assembly/exports/http-headers";

class AuthRoot extends RootContext {
  cluster: string = "auth";
  path: string = "/check";
  timeoutMs: u32 = 1000;
  allowed: Counter | null = null;
  denied: Counter | null = null;

  onConfigure(size: u32): bool {
    const text = this.configurationText();
    if (text.length > 0) {
      const cfg = parseJson(text);
      if (cfg === null || !cfg.isObject) {
        log.error("auth-callout: configuration must be a JSON object");
        return false;
      }
      this.cluster = cfg.getString("cluster", this.cluster);
      this.path = cfg.getString("path", this.path);
      this.timeoutMs = <u32>cfg.getNumber("timeout_ms", 1000);
    }
    // Define metrics once per configuration, not per request.
    this.allowed = new Counter("allowed");
    this.denied = new Counter("denied");
    return true;
  }

  newHttpContext(id: u32): HttpContext | null {
    return new AuthCallout(id, this);
  }
}

/** http_call callback: a plain function (AssemblyScript closures cannot capture). */
function onAuthAnswer(origin: BaseContext, response: HttpCallResponse): void {
  const ctx = origin as AuthCallout;
  const root = ctx.root as AuthRoot;
  if (response.failed) {
    log.warn("auth-callout: auth service unreachable");
    ctx.sendLocalResponse(503, "auth service unavailable\n", null, "auth_callout_failed");
    return;
  }
  if (response.status() != 200) {
    root.denied!.increment();
    ctx.sendLocalResponse(403, "forbidden\n", null, "auth_callout_denied");
    return;
  }
  const user = response.header("x-user");
  ctx.requestHeaders.set("x-auth-user", user === null ? "" : user);
  root.allowed!.increment();
  ctx.resumeRequest();
}

class AuthCallout extends HttpContext {
  onRequestHeaders(count: u32, endOfStream: bool): FilterHeadersStatus {
    const root = this.root as AuthRoot;
    const headers: Array<Header> = [
      new Header(":method", "GET"),
      new Header(":path", root.path),
      new Header(":authority", root.cluster),
    ];
    const auth = this.requestHeaders.get("authorization");
    if (auth !== null) headers.push(new Header("authorization", auth));
    const token = this.httpCall(root.cluster, headers, null, null, root.timeoutMs, onAuthAnswer);
    if (token == 0) {
      this.sendLocalResponse(503, "auth service not configured\n", null, "auth_callout_failed");
      return FilterHeadersStatus.StopIteration;
    }
    // Hold the request (and its body) until the callback resumes or answers it.
    return FilterHeadersStatus.StopIteration;
  }
}

registerRoot("auth-callout", (id: u32): RootContext => new AuthRoot(id));
