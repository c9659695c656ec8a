/**
 * Packs access log lines into writes that stay whole when several processes share one pipe.
 *
 * POSIX makes a pipe write atomic only up to PIPE_BUF bytes (4096 on Linux); the workers of a
 * multi-process gateway all inherit the supervisor's stdout, so a larger write can be split and
 * another worker's bytes land in the middle of a line. Keeping every write at most PIPE_BUF and
 * ending on a line boundary means the reader sees whole lines, whatever the interleaving.
 */
import { fstatSync } from 'node:fs';

/** Linux PIPE_BUF: the largest write a pipe never splits. */
export const PIPE_ATOMIC_BYTES = 4096;

/**
 * Whether `fd` is a pipe or a stream socket (node's own child stdio pipes are socketpairs).
 * Either can be shared by workers, and neither keeps large writes whole. False when unknown.
 */
export function isSharedPipe(fd: number): boolean {
  try {
    const st = fstatSync(fd);
    return st.isFIFO() || st.isSocket();
  } catch {
    return false;
  }
}

/**
 * Groups `lines` (each ending in "\n") into chunks of at most `maxBytes` UTF-8 bytes, in order.
 * A line longer than `maxBytes` becomes a chunk of its own: split, it could interleave anyway.
 */
export function packLines(lines: readonly string[], maxBytes: number): string[] {
  const chunks: string[] = [];
  let cur: string[] = [];
  let curBytes = 0;
  for (const line of lines) {
    const n = Buffer.byteLength(line);
    if (curBytes > 0 && curBytes + n > maxBytes) {
      chunks.push(cur.join(''));
      cur = [];
      curBytes = 0;
    }
    cur.push(line);
    curBytes += n;
  }
  if (curBytes > 0) chunks.push(cur.join(''));
  return chunks;
}
