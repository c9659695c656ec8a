/**
 * response-rewrite: redacts, removes or sets fields of JSON response bodies at configured paths
 * (`user.ssn`, `items[*].card`). Matching responses are buffered whole, within the listener's
 * buffer limit; others stream through untouched. See README.md for the configuration.
 */
import {
  FilterDataStatus, FilterHeadersStatus, HttpContext, RootContext, log, parseJson, registerRoot,
} from "sdk/assembly";
import { RewriteConfig, matchesContentType, parseConfig } from "./config";
import { applyRules } from "./rules";
// No trailer callbacks: the host then does not deliver trailers to this filter.
export * from "sdk/assembly/exports/core";
export * from "sdk/assembly/exports/http-headers";
export * from "sdk/assembly/exports/http-body";

class RewriteRoot extends RootContext {
  config: RewriteConfig = new RewriteConfig();

  onConfigure(size: u32): bool {
    const c = parseConfig(parseJson(this.configurationText()));
    if (c === null) return false;
    this.config = c;
    return true;
  }

  newHttpContext(id: u32): HttpContext | null {
    return new Rewrite(id, this);
  }
}

class Rewrite extends HttpContext {
  /** This response's body is being buffered for rewriting. */
  active: bool = false;

  onResponseHeaders(count: u32, endOfStream: bool): FilterHeadersStatus {
    const cfg = (this.root as RewriteRoot).config;
    if (endOfStream) return FilterHeadersStatus.Continue;
    if (!matchesContentType(this.responseHeaders.get("content-type"), cfg.contentTypes)) return FilterHeadersStatus.Continue;
    // A compressed body is not JSON text we can edit.
    const encoding = this.responseHeaders.get("content-encoding");
    if (encoding !== null && encoding.toLowerCase() != "identity") return FilterHeadersStatus.Continue;
    const length = this.responseHeaders.get("content-length");
    if (cfg.maxBodyBytes > 0 && length !== null && I64.parseInt(length) > <i64>cfg.maxBodyBytes) {
      return FilterHeadersStatus.Continue;
    }
    this.active = true;
    // Headers leave before the body is rewritten: drop the length (chunked / close-delimited).
    this.responseHeaders.remove("content-length");
    return FilterHeadersStatus.Continue;
  }

  onResponseBody(bodySize: u32, endOfStream: bool): FilterDataStatus {
    if (!this.active) return FilterDataStatus.Continue;
    const cfg = (this.root as RewriteRoot).config;
    if (cfg.maxBodyBytes > 0 && bodySize > cfg.maxBodyBytes) {
      // Too big for our own limit: release what is buffered, unchanged, and stream the rest.
      this.active = false;
      log.debug("response-rewrite: body over max_body_bytes passed through unchanged");
      return FilterDataStatus.Continue;
    }
    if (!endOfStream) return FilterDataStatus.StopIterationAndBuffer;
    this.active = false;
    const text = this.responseBody.text(0, bodySize);
    if (text === null) return FilterDataStatus.Continue;
    const doc = parseJson(text);
    if (doc === null) {
      log.debug("response-rewrite: body is not valid JSON, passed through unchanged");
      return FilterDataStatus.Continue;
    }
    if (applyRules(doc, cfg.rules) > 0) this.responseBody.replaceText(doc.stringify());
    return FilterDataStatus.Continue;
  }
}

registerRoot("response-rewrite", (id: u32): RootContext => new RewriteRoot(id));
