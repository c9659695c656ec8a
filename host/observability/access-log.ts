/**
 * Per-request access log: one JSON object per line, to stdout, stderr or a file (appended).
 *
 * Cheap on the data path: write() only formats a line and pushes it onto a batch; the batch is
 * written once per event-loop turn (or sooner when large) through a stream. stdout/stderr writes
 * are synchronous in Node for files and pipes, so batching keeps that to one syscall per turn
 * instead of one per request; files go through fs.WriteStream (libuv thread pool). When stdout or
 * stderr is a pipe the workers share, a batch goes out in line-aligned writes of at most PIPE_BUF
 * bytes so lines from different workers never interleave (line-chunks.ts).
 */
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import type { AccessLogConfig } from '../config/types.js';
import { socketAddressText, type StreamInfo } from '../http/stream-info.js';
import type { AccessLog, Logger } from './contract.js';
import { PIPE_ATOMIC_BYTES, isSharedPipe, packLines } from './line-chunks.js';

/** Flush early when a batch grows past this (bytes, roughly: string length). */
const BATCH_FLUSH_CHARS = 64 * 1024;
/** Drop lines rather than grow memory without bound when the sink cannot keep up. */
const MAX_PENDING_BYTES = 16 * 1024 * 1024;

export interface AccessLogDeps {
  log: Logger;
  /** Where `path: stdout` / `stderr` lines go; default process.stdout / process.stderr (tests pass their own). */
  stdio?: Writable;
  /** That stream is a pipe shared with other processes; default: detected from its file descriptor. */
  sharedPipe?: boolean;
}

/** The fields of one access log line, in the order they are written. */
export interface AccessLogEntry {
  time: string;
  method: string;
  path: string;
  protocol: string;
  status: number;
  duration_ms: number;
  upstream_host: string | null;
  upstream_cluster: string | null;
  route: string | null;
  bytes_received: number;
  bytes_sent: number;
  response_flags: string;
  response_code_details: string | null;
  request_id: string;
  downstream_remote_address: string;
  authority: string;
}

/** Formats the line for a finished request; `nowMs` is performance.now() at the end. */
export function accessLogEntry(info: StreamInfo, nowMs: number): AccessLogEntry {
  const ip = info.downstreamRemoteAddress;
  return {
    time: new Date(info.startWallMs).toISOString(),
    method: info.method,
    path: info.path,
    protocol: info.protocol,
    status: info.responseCode,
    duration_ms: Math.round((nowMs - info.startTime) * 1000) / 1000,
    upstream_host: info.upstreamHost ?? null,
    upstream_cluster: info.clusterName ?? null,
    route: info.routeName ?? null,
    bytes_received: info.bytesReceived,
    bytes_sent: info.bytesSent,
    response_flags: info.responseFlags.length ? info.responseFlags.join(' ') : '-',
    response_code_details: info.responseCodeDetails ?? null,
    request_id: info.requestId,
    downstream_remote_address: socketAddressText(ip, info.downstreamRemotePort),
    authority: info.authority,
  };
}

const NOOP: AccessLog = {
  write() {},
  close: async () => {},
};

/**
 * Creates the access log for `cfg`; a no-op when `cfg` is undefined or disabled. The file is
 * opened for append (its parent directory must exist); an open or write error is logged once
 * through `deps.log` and later lines are dropped, never thrown at the request.
 */
export function createAccessLog(cfg: AccessLogConfig | undefined, deps: AccessLogDeps): AccessLog {
  if (!cfg || cfg.disabled) return NOOP;
  const { log } = deps;
  const ownsSink = cfg.path !== 'stdout' && cfg.path !== 'stderr';
  const sink: Writable = ownsSink
    ? createWriteStream(cfg.path, { flags: 'a' })
    : deps.stdio ?? (cfg.path === 'stdout' ? process.stdout : process.stderr);
  const pipeWrites = !ownsSink && (deps.sharedPipe ?? isSharedPipe(cfg.path === 'stdout' ? 1 : 2));

  let batch: string[] = [];
  let batchChars = 0;
  let scheduled = false;
  let failed = false;
  let dropped = 0;
  let closed = false;

  const onError = (err: Error): void => {
    if (failed) return;
    failed = true;
    log.error('access log write failed; further lines are dropped', { path: cfg.path, error: err.message });
  };
  sink.on('error', onError);

  const flush = (): void => {
    scheduled = false;
    if (batch.length === 0) return;
    const lines = batch;
    batch = [];
    batchChars = 0;
    if (failed) return;
    if (sink.writableLength > MAX_PENDING_BYTES) {
      if (dropped === 0) log.warn('access log sink is behind; dropping lines', { path: cfg.path });
      dropped += 1;
      return;
    }
    if (!pipeWrites) {
      sink.write(lines.join(''));
      return;
    }
    for (const chunk of packLines(lines, PIPE_ATOMIC_BYTES)) sink.write(chunk);
  };

  return {
    write(info) {
      if (closed) return;
      const line = JSON.stringify(accessLogEntry(info, performance.now())) + '\n';
      batch.push(line);
      batchChars += line.length;
      if (batchChars >= BATCH_FLUSH_CHARS) flush();
      else if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      flush();
      if (dropped > 0) log.warn('access log batches dropped', { path: cfg.path, batches: dropped });
      if (ownsSink) {
        if (failed) {
          sink.destroy();
          return;
        }
        await new Promise<void>((resolve) => sink.end(() => resolve()));
      } else {
        sink.off('error', onError);
        // Wait until stdout/stderr took the last batch (synchronous for files and pipes anyway).
        await new Promise<void>((resolve) => {
          sink.write('', () => resolve());
        });
      }
    },
  };
}
