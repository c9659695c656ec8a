/**
 * Listener config → codec options, for the listener to call once at load. The listener schema
 * is owned by host/listener; these are the keys the codec understands, as proposed there:
 *
 *   listeners[].codec: auto | http1 | http2          (cleartext detection; default auto)
 *   listeners[].http2:
 *     max_concurrent_streams: 100                    (SETTINGS_MAX_CONCURRENT_STREAMS)
 *     initial_stream_window_size: 1048576            (SETTINGS_INITIAL_WINDOW_SIZE, bytes)
 *     initial_connection_window_size: 4194304        (bytes)
 *     max_early_resets: 100                          (rapid-reset threshold per window)
 *     early_reset_window: 10s
 *     max_invalid_frames: 100                        (node maxSessionInvalidFrames)
 *     max_rejected_streams: 100                      (node maxSessionRejectedStreams)
 *
 * The header list size is the listener's limits.max_request_headers_kb, as for HTTP/1.1.
 */
import { durationMs } from '../config/duration.js';
import type { CodecMode, HttpCodecOptions } from './codec.js';

/** The listener keys above, as they come out of the validated config. */
export interface ListenerCodecConfig {
  codec?: CodecMode;
  http2?: {
    max_concurrent_streams?: number;
    initial_stream_window_size?: number;
    initial_connection_window_size?: number;
    max_early_resets?: number;
    early_reset_window?: string;
    max_invalid_frames?: number;
    max_rejected_streams?: number;
    stream_idle_timeout?: string;
  };
}

/** Codec options for a listener; `base` carries the HTTP/1.1 limits the listener already resolved. */
export function codecOptionsFrom(l: ListenerCodecConfig, base: HttpCodecOptions = {}): HttpCodecOptions {
  const h = l.http2 ?? {};
  return {
    ...base,
    codec: l.codec ?? 'auto',
    http2: {
      ...(h.max_concurrent_streams !== undefined ? { maxConcurrentStreams: h.max_concurrent_streams } : {}),
      ...(h.initial_stream_window_size !== undefined ? { initialWindowSize: h.initial_stream_window_size } : {}),
      ...(h.initial_connection_window_size !== undefined ? { connectionWindowSize: h.initial_connection_window_size } : {}),
      ...(h.max_early_resets !== undefined ? { maxEarlyResets: h.max_early_resets } : {}),
      ...(h.early_reset_window !== undefined ? { earlyResetWindowMs: durationMs(h.early_reset_window, 10_000) } : {}),
      ...(h.max_invalid_frames !== undefined ? { maxSessionInvalidFrames: h.max_invalid_frames } : {}),
      ...(h.max_rejected_streams !== undefined ? { maxSessionRejectedStreams: h.max_rejected_streams } : {}),
      ...(h.stream_idle_timeout !== undefined ? { streamIdleTimeoutMs: durationMs(h.stream_idle_timeout, 300_000) } : {}),
      ...(base.maxHeaderSize !== undefined ? { maxHeaderListSize: base.maxHeaderSize } : {}),
    },
  };
}
