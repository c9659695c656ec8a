/**
 * The upstream request body on the filter path: the decoder filters hand over what they let
 * through (sendRequestData), undici reads it as a stream. Reading asks the owner for more, so
 * backpressure reaches the downstream socket.
 */
import { Readable } from 'node:stream';

export interface RequestBodySource {
  /** undici drained what was pushed: let the downstream flow again. */
  bodyWanted(): void;
}

export class RequestBody extends Readable {
  constructor(private readonly source: RequestBodySource) {
    super();
  }

  override _read(): void {
    this.source.bodyWanted();
  }
}
