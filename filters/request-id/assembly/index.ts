/**
 * request-id: makes sure every request carries an id (a random UUID v4 unless a trusted one came
 * in), forwards it upstream and echoes it on the response. See README.md for the configuration.
 */
import {
  FilterHeadersStatus, HttpContext, RootContext, log, parseJson, randomBytes, registerRoot,
} from "sdk/assembly";
// Header callbacks only: the host then skips body and trailer delivery for this filter.
export * from "sdk/assembly/exports/core";
export * from "sdk/assembly/exports/http-headers";

// Lower-case hex digits as ASCII codes.
const HEX: StaticArray<u8> = [48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 97, 98, 99, 100, 101, 102];

/**
 * A random (version 4, RFC 9562) UUID, or "" if the host gave no randomness. Written as 36
 * ASCII bytes and decoded once: per-character string concatenation cost more than the rest of
 * the filter.
 */
function uuid4(): string {
  const b = randomBytes(16);
  if (b === null) return "";
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const out = new Uint8Array(36);
  let o = 0;
  for (let i = 0; i < 16; i++) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out[o++] = 45; // "-"
    const v = b[i];
    out[o++] = unchecked(HEX[v >> 4]);
    out[o++] = unchecked(HEX[v & 15]);
  }
  return String.UTF8.decodeUnsafe(out.dataStart, 36);
}

/** An incoming id is kept only if it is short and made of safe characters. */
function acceptable(id: string): bool {
  if (id.length == 0 || id.length > 128) return false;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    const ok = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 45 || c == 95 || c == 46 || c == 58;
    if (!ok) return false;
  }
  return true;
}

class RequestIdRoot extends RootContext {
  header: string = "x-request-id";
  trustIncoming: bool = true;
  echo: bool = true;
  responseHeader: string = "x-request-id";

  onConfigure(size: u32): bool {
    const text = this.configurationText();
    if (text.length == 0) return true;
    const cfg = parseJson(text);
    if (cfg === null || !cfg.isObject) {
      log.error("request-id: configuration must be a JSON object");
      return false;
    }
    this.header = cfg.getString("header", "x-request-id").toLowerCase();
    this.trustIncoming = cfg.getBool("trust_incoming", true);
    this.echo = cfg.getBool("echo_on_response", true);
    this.responseHeader = cfg.getString("response_header", this.header).toLowerCase();
    return true;
  }

  newHttpContext(id: u32): HttpContext | null {
    return new RequestId(id, this);
  }
}

class RequestId extends HttpContext {
  id: string = "";

  onRequestHeaders(count: u32, endOfStream: bool): FilterHeadersStatus {
    const root = this.root as RequestIdRoot;
    const incoming = this.requestHeaders.get(root.header);
    if (root.trustIncoming && incoming !== null && acceptable(incoming)) {
      this.id = incoming;
    } else {
      this.id = uuid4();
      this.requestHeaders.set(root.header, this.id);
    }
    return FilterHeadersStatus.Continue;
  }

  onResponseHeaders(count: u32, endOfStream: bool): FilterHeadersStatus {
    const root = this.root as RequestIdRoot;
    if (root.echo && this.id.length > 0) this.responseHeaders.set(root.responseHeader, this.id);
    return FilterHeadersStatus.Continue;
  }
}

registerRoot("request-id", (id: u32): RootContext => new RequestIdRoot(id));
