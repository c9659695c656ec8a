// SDK test module (test/sdk/callouts.test.ts): exercises the SDK's callout and ABI-edge API
// through the real host. The request's x-op picks the feature; the answer is a local 200
// whose body the test checks.
import {
  BaseContext, FilterHeadersStatus, GrpcResponse, GrpcStreamHandler, Header, HttpCallResponse, HttpContext,
  RootContext, WasmResult, getStatus, parseJson, registerRoot,
} from "../../sdk/assembly";
export * from "../../sdk/assembly/exports";

class Root extends RootContext {
  newHttpContext(id: u32): HttpContext | null {
    return new Probe(id, this);
  }
}

class IgnoreStream extends GrpcStreamHandler {}

function onGrpc(origin: BaseContext, response: GrpcResponse): void {
  (origin as Probe).answer("grpc callback ran");
}

function onHttp(origin: BaseContext, response: HttpCallResponse): void {
  const st = getStatus();
  const trailers = response.trailers();
  const t = trailers.length > 0 ? unchecked(trailers[0]).name + "=" + unchecked(trailers[0]).value : "-";
  (origin as Probe).answer(st.code.toString() + "|" + st.message + "|" + response.headerCount.toString() + "|" + t);
}

class Probe extends HttpContext {
  answer(body: string): void {
    this.sendLocalResponse(200, body);
  }

  onRequestHeaders(count: u32, endOfStream: bool): FilterHeadersStatus {
    const op = this.requestHeaders.get("x-op");
    const arg = this.requestHeaders.get("x-arg");
    const a = arg === null ? "" : arg;
    if (op == "grpc") {
      const call = this.grpcCall("grpc-cluster", "pkg.Service", "Method", [new Header("x-md", "1")], String.UTF8.encode("msg"), 1000, onGrpc);
      const callResult = this.lastCalloutResult;
      const stream = this.grpcStream("grpc-cluster", "pkg.Service", "Stream", null, new IgnoreStream());
      const streamResult = this.lastCalloutResult;
      const parts = [
        call.toString(), (<u32>callResult).toString(), stream.toString(), (<u32>streamResult).toString(),
        (<u32>this.grpcSend(5, String.UTF8.encode("x"), true)).toString(), (<u32>this.grpcClose(5)).toString(),
        (<u32>this.grpcCancel(5)).toString(),
      ];
      this.answer(parts.join(","));
      return FilterHeadersStatus.StopIteration;
    }
    if (op == "status") {
      const token = this.httpCall("api", [new Header(":method", "GET"), new Header(":path", "/s"), new Header(":authority", "api")], null, null, 5000, onHttp);
      if (token == 0) this.answer("refused");
      return FilterHeadersStatus.StopIteration;
    }
    if (op == "size") {
      this.answer(this.requestHeaders.size().toString() + "," + this.responseTrailers.size().toString());
      return FilterHeadersStatus.StopIteration;
    }
    if (op == "json") {
      const v = parseJson(a);
      this.answer(v === null ? "invalid" : v.stringify());
      return FilterHeadersStatus.StopIteration;
    }
    if (op == "bad-reply") {
      const r = this.sendLocalResponse(42, "nope");
      // The refusal left the stream unanswered: answer properly so the exchange finishes.
      if (r != WasmResult.Ok) this.answer("refused " + (<u32>r).toString());
      return FilterHeadersStatus.StopIteration;
    }
    return FilterHeadersStatus.Continue;
  }
}

registerRoot("sdk-callouts", (id: u32): RootContext => new Root(id));
