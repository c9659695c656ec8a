/**
 * sdk-probe: a test module for the SDK's own tests (test/sdk), kept with the examples because
 * the build compiles examples/. The request's x-op header picks an SDK feature to exercise;
 * the result comes back as a local 200 whose body the test checks.
 */
import {
  FilterDataStatus, FilterHeadersStatus, Gauge, Header, Histogram, HttpContext, RootContext, base64Decode,
  base64Encode, base64UrlEncode, bytesOf, getPropertyBool, getPropertyInt, getPropertyString, hmacSha256, log,
  parseJson, randomBytes, registerRoot, setProperty, sha256, textOf, toHex,
} from "sdk/assembly";
export * from "sdk/assembly/exports";

class ProbeRoot extends RootContext {
  configuration: string = "";
  gauge: Gauge | null = null;
  histogram: Histogram | null = null;

  onConfigure(size: u32): bool {
    this.configuration = this.configurationText();
    this.gauge = new Gauge("probe_gauge");
    this.histogram = new Histogram("probe_histogram");
    return this.configuration != "reject";
  }

  newHttpContext(id: u32): HttpContext | null {
    return new Probe(id, this);
  }
}

class Probe extends HttpContext {
  op: string = "";

  reply(body: string): FilterHeadersStatus {
    this.sendLocalResponse(200, body, [new Header("x-probe", this.op)]);
    return FilterHeadersStatus.StopIteration;
  }

  onRequestHeaders(count: u32, endOfStream: bool): FilterHeadersStatus {
    const op = this.requestHeaders.get("x-op");
    this.op = op === null ? "" : op;
    const arg = this.requestHeaders.get("x-arg");
    const a = arg === null ? "" : arg;
    const root = this.root as ProbeRoot;
    if (this.op == "config") return this.reply(root.configuration);
    if (this.op == "sha256") return this.reply(toHex(sha256(bytesOf(a))));
    if (this.op == "hmac") return this.reply(toHex(hmacSha256(bytesOf("key"), bytesOf(a))));
    if (this.op == "b64") {
      const decoded = base64Decode(base64Encode(bytesOf(a)));
      return this.reply(base64Encode(bytesOf(a)) + " " + base64UrlEncode(bytesOf(a)) + " " + (decoded === null ? "null" : textOf(decoded)));
    }
    if (this.op == "json") {
      const v = parseJson(a);
      return this.reply(v === null ? "invalid" : v.stringify());
    }
    if (this.op == "props") {
      const parts = new Array<string>();
      parts.push(nullable(getPropertyString("request.path")));
      parts.push(nullable(getPropertyString("request.method")));
      parts.push(nullable(getPropertyString("plugin_root_id")));
      parts.push(getPropertyInt("source.port", -1).toString());
      parts.push(getPropertyBool("connection.mtls", true) ? "true" : "false");
      parts.push(nullable(getPropertyString("no.such.property")));
      setProperty("probe.value", "stored");
      parts.push(nullable(getPropertyString("probe.value")));
      return this.reply(parts.join("|"));
    }
    if (this.op == "headers") {
      this.requestHeaders.add("x-multi", "one");
      this.requestHeaders.add("x-multi", "two");
      const all = this.requestHeaders.getAll("x-multi");
      this.requestHeaders.remove("x-gone");
      return this.reply(all.join(",") + "|" + (this.requestHeaders.has("x-gone") ? "present" : "absent"));
    }
    if (this.op == "random") {
      const b = randomBytes(16);
      return this.reply(b === null ? "null" : toHex(b));
    }
    if (this.op == "metrics") {
      root.gauge!.set(42);
      root.histogram!.record(7);
      return this.reply(root.gauge!.get().toString());
    }
    if (this.op == "log") {
      log.warn("probe says " + a);
      return this.reply(log.enabled(2) ? "info-enabled" : "info-disabled");
    }
    if (this.op == "math") return this.reply(Math.random() < 1.0 ? "ok" : "bad");
    if (this.op == "abort") {
      abort("probe abort");
      return FilterHeadersStatus.Continue;
    }
    if (this.op == "throw") throw new Error("probe throw");
    if (this.op == "oob") {
      const arr = new Array<i32>(1);
      return this.reply(arr[5].toString());
    }
    return FilterHeadersStatus.Continue;
  }

  onRequestBody(bodySize: u32, endOfStream: bool): FilterDataStatus {
    return FilterDataStatus.Continue;
  }
}

function nullable(s: string | null): string {
  return s === null ? "<null>" : s;
}

registerRoot("sdk-probe", (id: u32): RootContext => new ProbeRoot(id));
