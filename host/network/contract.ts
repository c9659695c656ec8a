/**
 * Network (L4) filter contract: what a filter sees of a downstream connection and what it may
 * do. Envoy's model: read filters in order for client bytes, write filters in reverse order for
 * bytes towards the client; a filter returning Stop keeps the bytes buffered and the next
 * delivery carries everything buffered so far.
 */
import type { StreamInfo } from '../http/stream-info.js';

/** A filter's answer to a data or new-connection callback. */
export const enum NetStatus {
  /** Pass the (possibly rewritten) bytes on to the next filter and the terminal. */
  Continue = 0,
  /** Keep the bytes buffered; nothing reaches the terminal until the filter continues. */
  Stop = 1,
}

/** Who closed a side of the connection (proxy-wasm PeerType). */
export const enum Peer {
  Unknown = 0,
  Local = 1,
  Remote = 2,
}

/** Bytes a filter may read and replace during a data callback. */
export interface DataRef {
  buf: Buffer;
  readonly length: number;
  modified: boolean;
}

/** What the connection offers its filters. Effects are applied after the running callback. */
export interface NetworkFilterCallbacks {
  readonly info: StreamInfo;
  /** Resumes client bytes held by filter `index` (iteration goes on after it). */
  continueReading(index: number): void;
  /** Closes the connection (pending writes flushed first). */
  close(details: string): void;
}

/** One filter's part of one connection. */
export interface NetworkFilter {
  onNewConnection(): NetStatus;
  onDownstreamData(data: DataRef, end: boolean): NetStatus;
  onUpstreamData(data: DataRef, end: boolean): NetStatus;
  onDownstreamClose(peer: Peer): void;
  onUpstreamClose(peer: Peer): void;
  /** The connection is over: release the filter's context. Called once. */
  destroy(): void;
}

/** Builds per-connection filters; built once per chain from config. */
export interface NetworkFilterFactory {
  readonly name: string;
  create(cb: NetworkFilterCallbacks, index: number): NetworkFilter;
  /** Shuts the filter's VMs down (after the chain stops). */
  close(): void;
}
