/**
 * response-rewrite: redacts, removes or sets fields of JSON response bodies at configured paths
 * (`user.ssn`, `items[*].card`). Matching responses are buffered whole, within the listener's
 * buffer limit; others stream through untouched. See README.md for the configuration.
 */
import {
  FilterDataStatus, FilterHeadersStatus, FilterTrailersStatus, HttpContext, JsonValue, RootContext, WasmResult, log, parseJson,
  registerRoot,
} from "sdk/assembly";
import { RewriteConfig, matchesContentType, parseConfig } from "./config";
import { applyRules } from "./rules";
export * from "sdk/assembly/exports/core";
export * from "sdk/assembly/exports/http-headers";
export * from "sdk/assembly/exports/http-body";
// Trailers end a buffered body without end_of_stream: the rewrite must happen there too.
export * from "sdk/assembly/exports/http-trailers";

/** Envoy-style short body of a filter-generated error. */
const REJECT_BODY = "Bad Gateway";
const REJECT_DETAILS = "response_rewrite_unparsable_body";

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
    // content-length stays: the host holds headers with a length until the (rewritten) body
    // reaches it and then corrects the length, so a refused body can still become a 502.
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
    return this.rewrite(bodySize) ? FilterDataStatus.Continue : FilterDataStatus.StopIterationNoBuffer;
  }

  onResponseTrailers(count: u32): FilterTrailersStatus {
    if (!this.active) return FilterTrailersStatus.Continue;
    const size = this.responseBody.length();
    // No body before the trailers: nothing to rewrite.
    if (size == 0) {
      this.active = false;
      return FilterTrailersStatus.Continue;
    }
    // An unreadable buffer (size -1) must not pass unredacted: rewrite() then follows on_parse_error.
    return this.rewrite(size < 0 ? 0 : <u32>size) ? FilterTrailersStatus.Continue : FilterTrailersStatus.StopIteration;
  }

  /** Rewrites the whole buffered body; false when the stream was refused instead. */
  rewrite(bodySize: u32): bool {
    this.active = false;
    const cfg = (this.root as RewriteRoot).config;
    const text = this.responseBody.text(0, bodySize);
    let doc: JsonValue | null = null;
    if (text !== null) doc = parseJson(text);
    if (doc === null) {
      if (!cfg.rejectUnparsable) {
        log.debug("response-rewrite: body is not valid JSON, passed through unchanged");
        return true;
      }
      log.info("response-rewrite: body is not JSON it can rewrite, refused");
      this.refuse();
      return false;
    }
    if (applyRules(doc, cfg.rules) > 0) {
      if (this.responseBody.replaceText(doc.stringify()) != WasmResult.Ok) {
        this.refuse();
        return false;
      }
    }
    return true;
  }

  /** 502 while the headers are still held; once they left, the host can only reset. */
  refuse(): void {
    if (this.sendLocalResponse(502, REJECT_BODY, null, REJECT_DETAILS) != WasmResult.Ok) this.close();
  }
}

registerRoot("response-rewrite", (id: u32): RootContext => new RewriteRoot(id));
