/**
 * hello: adds `x-hello: <configuration>` to every request and response. The smallest useful
 * filter, and the one the example config in DESIGN.md loads.
 */
import { FilterHeadersStatus, HttpContext, RootContext, registerRoot } from "sdk/assembly";
// Header callbacks only: the host then skips body and trailer delivery for this filter.
export * from "sdk/assembly/exports/core";
export * from "sdk/assembly/exports/http-headers";

class HelloRoot extends RootContext {
  greeting: string = "hello";

  onConfigure(size: u32): bool {
    const text = this.configurationText();
    if (text.length > 0) this.greeting = text;
    return true;
  }

  newHttpContext(id: u32): HttpContext | null {
    return new Hello(id, this);
  }
}

class Hello extends HttpContext {
  onRequestHeaders(count: u32, endOfStream: bool): FilterHeadersStatus {
    this.requestHeaders.set("x-hello", (this.root as HelloRoot).greeting);
    return FilterHeadersStatus.Continue;
  }

  onResponseHeaders(count: u32, endOfStream: bool): FilterHeadersStatus {
    this.responseHeaders.set("x-hello", (this.root as HelloRoot).greeting);
    return FilterHeadersStatus.Continue;
  }
}

registerRoot("hello", (id: u32): RootContext => new HelloRoot(id));
