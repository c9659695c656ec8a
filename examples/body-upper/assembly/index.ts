/**
 * body-upper (example): buffers the whole request body, upper-cases it, and appends a marker
 * to the response body as it streams; records request trailers it saw in a response header.
 * Shows body buffering (StopIterationAndBuffer), body replace/append, and trailers.
 */
import {
  FilterDataStatus, FilterHeadersStatus, FilterTrailersStatus, HttpContext, RootContext, registerRoot,
} from "sdk/assembly";
export * from "sdk/assembly/exports";

class UpperRoot extends RootContext {
  newHttpContext(id: u32): HttpContext | null {
    return new BodyUpper(id, this);
  }
}

class BodyUpper extends HttpContext {
  trailerNames: string = "";

  onRequestBody(bodySize: u32, endOfStream: bool): FilterDataStatus {
    // Hold chunks until the last one: the next call sees the whole body.
    if (!endOfStream) return FilterDataStatus.StopIterationAndBuffer;
    const text = this.requestBody.text(0, bodySize);
    if (text !== null) this.requestBody.replaceText(text.toUpperCase());
    return FilterDataStatus.Continue;
  }

  onRequestTrailers(count: u32): FilterTrailersStatus {
    const all = this.requestTrailers.all();
    const names = new Array<string>();
    for (let i = 0; i < all.length; i++) names.push(all[i].name);
    this.trailerNames = names.join(",");
    return FilterTrailersStatus.Continue;
  }

  onResponseHeaders(count: u32, endOfStream: bool): FilterHeadersStatus {
    if (this.trailerNames.length > 0) this.responseHeaders.set("x-request-trailers", this.trailerNames);
    return FilterHeadersStatus.Continue;
  }

  onResponseBody(bodySize: u32, endOfStream: bool): FilterDataStatus {
    if (endOfStream) this.responseBody.appendText("\n-- via body-upper");
    return FilterDataStatus.Continue;
  }
}

registerRoot("body-upper", (id: u32): RootContext => new UpperRoot(id));
