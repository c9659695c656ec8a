/**
 * Envoy-style iteration of one direction (decode or encode) over a filter chain. Filters are
 * addressed by position k in iteration order. A filter that stops holds the stream at its slot:
 * - stopped on headers: later data and trailers wait at the slot, unseen by the filter
 *   (proxy-wasm's StopIteration is Envoy's StopAllIteration);
 * - stopped on data: the chunk and every later one accumulate in the slot and the filter is
 *   called again with the whole buffer (StopIterationAndBuffer: the next call sees the total);
 * - stopped on trailers: nothing follows.
 * resume(k) continues from the filter after k, then feeds k what arrived while it was stopped.
 * Buffered bytes past the limit end the stream through `tooLarge`.
 */
import type { HeaderMap } from '../http/header-map.js';
import type { BodyRef } from '../wasm/context.js';

const HEADERS = 1;
const DATA = 2;
const TRAILERS = 3;

/** A body buffer that may grow chunk by chunk; concatenated only when someone reads it. */
export class HeldBody implements BodyRef {
  modified = false;
  private chunks: Buffer[];
  private bytes: number;

  constructor(first: Buffer) {
    this.chunks = [first];
    this.bytes = first.length;
  }

  get buf(): Buffer {
    if (this.chunks.length !== 1) this.chunks = [Buffer.concat(this.chunks, this.bytes)];
    return this.chunks[0]!;
  }

  set buf(b: Buffer) {
    this.chunks = [b];
    this.bytes = b.length;
  }

  get length(): number {
    return this.bytes;
  }

  append(b: Buffer): void {
    if (b.length === 0) return;
    this.chunks.push(b);
    this.bytes += b.length;
  }
}

interface Slot {
  stopped: number;
  headersEnd: boolean;
  /** Data the filter has seen and holds (stopped on data). */
  held: HeldBody | undefined;
  heldEnd: boolean;
  /** Data the filter has not seen yet (arrived while stopped on headers). */
  pending: HeldBody | undefined;
  pendingEnd: boolean;
  trailers: HeaderMap | undefined;
  pendingTrailers: HeaderMap | undefined;
}

/** What a direction calls: the filters at position k, and the sink past the last one. */
export interface DirectionOps {
  headers(k: number, h: HeaderMap, end: boolean): number;
  /** Whether filter k wants body chunks / trailers at all (others pass them through). */
  wantsData(k: number): boolean;
  wantsTrailers(k: number): boolean;
  data(k: number, body: BodyRef, end: boolean): number;
  trailers(k: number, t: HeaderMap): number;
  sinkHeaders(h: HeaderMap, end: boolean): void;
  sinkData(chunk: Buffer, end: boolean): void;
  sinkTrailers(t: HeaderMap): void;
  /** A filter stopped on headers / no filter is stopped on headers any more (backpressure). */
  paused(on: boolean): void;
  /** Buffered data passed the limit. */
  tooLarge(): void;
  /** Trailers filter k added while it saw the end of the body (Envoy addDecoded/EncodedTrailers). */
  addedTrailers(k: number): HeaderMap | undefined;
}

/** Iteration state of one direction of one stream. */
export class Direction {
  /** Set when the direction must not flow any more (local reply, reset, failure). */
  ended = false;
  headers: HeaderMap | undefined;
  private readonly slots: (Slot | undefined)[] = [];
  private stoppedCount = 0;
  private pausedCount = 0;

  constructor(private readonly n: number, private readonly ops: DirectionOps, private readonly limit: number) {}

  private slot(k: number): Slot {
    return (this.slots[k] ??= {
      stopped: 0, headersEnd: false, held: undefined, heldEnd: false, pending: undefined, pendingEnd: false,
      trailers: undefined, pendingTrailers: undefined,
    });
  }

  private stop(s: Slot, phase: number): void {
    s.stopped = phase;
    this.stoppedCount++;
    // Only a stop on headers applies backpressure (Envoy's StopAllIterationAndWatermark);
    // a filter buffering the body needs the rest of it, up to the buffer limit.
    if (phase === HEADERS && this.pausedCount++ === 0) this.ops.paused(true);
  }

  private unstop(phase: number): void {
    this.stoppedCount--;
    if (phase === HEADERS && --this.pausedCount === 0) this.ops.paused(false);
  }

  /** Whether any filter currently holds this direction. */
  get stopped(): boolean {
    return this.stoppedCount > 0;
  }

  startHeaders(h: HeaderMap, end: boolean): void {
    this.headers = h;
    this.runHeaders(0, h, end);
  }

  private runHeaders(k: number, h: HeaderMap, end: boolean): void {
    for (; k < this.n; k++) {
      const st = this.ops.headers(k, h, end);
      if (this.ended) return;
      if (st !== 0) {
        const s = this.slot(k);
        s.headersEnd = end;
        this.stop(s, HEADERS);
        return;
      }
    }
    this.ops.sinkHeaders(h, end);
  }

  data(chunk: Buffer, end: boolean): void {
    if (!this.ended) this.runData(0, chunk, end);
  }

  private runData(k: number, chunk: Buffer, end: boolean): void {
    for (; k < this.n; k++) {
      const s = this.slots[k];
      if (s !== undefined && (s.stopped === HEADERS || s.stopped === TRAILERS)) {
        if (s.pending) s.pending.append(chunk);
        else s.pending = new HeldBody(chunk);
        s.pendingEnd = end;
        this.checkLimit(s.pending.length);
        return;
      }
      if (s !== undefined && s.stopped === DATA) {
        const held = s.held!;
        held.append(chunk);
        s.heldEnd = end;
        const st = this.ops.data(k, held, end);
        if (this.ended) return;
        if (st !== 0) {
          this.checkLimit(held.length);
          return;
        }
        s.held = undefined;
        s.stopped = 0;
        this.unstop(DATA);
        chunk = held.buf;
        if (end && this.passWithTrailers(k, chunk)) return;
        continue;
      }
      if (!this.ops.wantsData(k)) continue;
      const ref = new HeldBody(chunk);
      const st = this.ops.data(k, ref, end);
      if (this.ended) return;
      if (st !== 0) {
        const slot = this.slot(k);
        slot.held = ref;
        slot.heldEnd = end;
        this.stop(slot, DATA);
        this.checkLimit(ref.length);
        return;
      }
      chunk = ref.buf;
      if (end && this.passWithTrailers(k, chunk)) return;
    }
    this.ops.sinkData(chunk, end);
  }

  /**
   * When filter k added trailers at the end of the body: the body goes on without end of
   * stream, followed by those trailers. False (nothing done) when it added none.
   */
  private passWithTrailers(k: number, chunk: Buffer): boolean {
    const t = this.ops.addedTrailers(k);
    if (!t) return false;
    this.runData(k + 1, chunk, false);
    if (!this.ended) this.runTrailers(k + 1, t);
    return true;
  }

  trailers(t: HeaderMap): void {
    if (!this.ended) this.runTrailers(0, t);
  }

  private runTrailers(k: number, t: HeaderMap): void {
    for (; k < this.n; k++) {
      const s = this.slots[k];
      if (s !== undefined && s.stopped === DATA) {
        // A filter buffering the body sees the trailers (the body has ended without end_of_stream).
        const st = this.ops.wantsTrailers(k) ? this.ops.trailers(k, t) : 0;
        if (this.ended) return;
        this.unstop(DATA);
        if (st !== 0) {
          s.trailers = t;
          this.stop(s, TRAILERS); // the held body stays with it until it continues
          return;
        }
        const held = s.held!;
        s.held = undefined;
        s.stopped = 0;
        this.runData(k + 1, held.buf, false);
        if (this.ended) return;
        continue;
      }
      if (s !== undefined && s.stopped !== 0) {
        s.pendingTrailers = t;
        return;
      }
      if (!this.ops.wantsTrailers(k)) continue;
      const st = this.ops.trailers(k, t);
      if (this.ended) return;
      if (st !== 0) {
        const slot = this.slot(k);
        slot.trailers = t;
        this.stop(slot, TRAILERS);
        return;
      }
    }
    this.ops.sinkTrailers(t);
  }

  /** The filter at k continues (proxy_continue_stream): no-op unless it holds the direction. */
  resume(k: number): void {
    const s = this.slots[k];
    if (this.ended || s === undefined || s.stopped === 0) return;
    const phase = s.stopped;
    s.stopped = 0;
    this.unstop(phase);
    if (phase === HEADERS) this.runHeaders(k + 1, this.headers!, s.headersEnd);
    else if (phase === DATA) {
      const held = s.held!;
      s.held = undefined;
      if (!s.heldEnd || !this.passWithTrailers(k, held.buf)) this.runData(k + 1, held.buf, s.heldEnd);
    } else {
      const held = s.held;
      s.held = undefined;
      if (held) this.runData(k + 1, held.buf, false);
      if (!this.ended) this.runTrailers(k + 1, s.trailers!);
    }
    // What reached k while it was stopped, in order: data, then trailers.
    if (this.ended || s.stopped !== 0) return;
    if (s.pending) {
      const p = s.pending;
      s.pending = undefined;
      this.runData(k, p.buf, s.pendingEnd);
    }
    if (this.ended || s.stopped !== 0) return;
    if (s.pendingTrailers) {
      const t = s.pendingTrailers;
      s.pendingTrailers = undefined;
      this.runTrailers(k, t);
    }
  }

  private checkLimit(bytes: number): void {
    if (bytes > this.limit) this.ops.tooLarge();
  }
}
