/**
 * Per-request access log: one JSON object per line, to stdout, stderr or a file (appended).
 *
 * Cheap on the data path: write() only formats a line and pushes it onto a batch; the batch is
 * written once per event-loop turn (or sooner when large) through a stream. stdout/stderr writes
 * are synchronous in Node for files and pipes, so batching keeps that to one syscall per turn
 * instead of one per request; files go through fs.WriteStream (libuv thread pool).
 */
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import type { AccessLogConfig } from '../config/types.js';
import type { StreamInfo } from '../http/stream-info.js';
import type { AccessLog, Logger } from './contract.js';

/** Flush early when a batch grows past this (bytes, roughly: string length). */
const BATCH_FLUSH_CHARS = 64 * 1024;
/** Drop lines rather than grow memory without bound when the sink cannot keep up. */
const MAX_PENDING_BYTES = 16 * 1024 * 1024;

export interface AccessLogDeps {
  log: Logger;
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
    downstream_remote_address: ip.includes(':') ? `[${ip}]:${info.downstreamRemotePort}` : `${ip}:${info.downstreamRemotePort}`,
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
  const sink: Writable =
    cfg.path === 'stdout' ? process.stdout : cfg.path === 'stderr' ? process.stderr : createWriteStream(cfg.path, { flags: 'a' });

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
    const chunk = batch.join('');
    batch = [];
    batchChars = 0;
    if (failed) return;
    if (sink.writableLength > MAX_PENDING_BYTES) {
      if (dropped === 0) log.warn('access log sink is behind; dropping lines', { path: cfg.path });
      dropped += 1;
      return;
    }
    sink.write(chunk);
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
