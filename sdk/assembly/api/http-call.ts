/**
 * The answer to an http_call, readable only during the callback that delivers it.
 */
import { fromUtf8 } from "../abi/memory";
import { Header } from "../abi/pairs";
import { httpCallResponseBody } from "./buffers";
import { httpCallResponseHeaders, httpCallResponseTrailers } from "./headers";

/** What came back from an http_call. */
export class HttpCallResponse {
  /** Creates the view; the SDK does this when the answer arrives. */
  constructor(
    /** The token `httpCall` returned. */
    public readonly token: u32,
    /** Number of response headers; 0 means the call failed (no answer, timeout, reset). */
    public readonly headerCount: u32,
    /** Body size in bytes. */
    public readonly bodySize: u32,
    /** Number of trailers. */
    public readonly trailerCount: u32,
  ) {}

  /** True when no response arrived (connect failure, timeout, reset). */
  get failed(): bool {
    return this.headerCount == 0;
  }

  /** The response status (`:status`), or 0 when the call failed. */
  status(): u32 {
    const s = httpCallResponseHeaders.get(":status");
    if (s === null) return 0;
    return <u32>I32.parseInt(s);
  }

  /** First value of response header `name`, or null. */
  header(name: string): string | null {
    return httpCallResponseHeaders.get(name);
  }

  /** All response headers. */
  headers(): Array<Header> {
    return httpCallResponseHeaders.all();
  }

  /** All response trailers. */
  trailers(): Array<Header> {
    return httpCallResponseTrailers.all();
  }

  /** The body bytes (empty when none). */
  body(): ArrayBuffer {
    if (this.bodySize == 0) return new ArrayBuffer(0);
    const b = httpCallResponseBody.bytes(0, this.bodySize);
    return b === null ? new ArrayBuffer(0) : b;
  }

  /** The body as UTF-8 text. */
  text(): string {
    return fromUtf8(this.body());
  }
}
