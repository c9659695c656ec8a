/**
 * Polls one file's identity (inode, size, mtime and ctime in nanoseconds) and calls back when it
 * differs from the last one seen. Polling rather than fs.watch: build tools and editors replace
 * files by rename, which an inotify watch on the old inode never sees.
 *
 * The baseline is taken synchronously when polling starts, not by the first poll: fs.watchFile
 * takes it asynchronously on the thread pool, so a write landing before that first stat (easy on
 * a busy machine) became the baseline and was never reported.
 */
import { readFile, stat, statSync, type BigIntStats } from 'node:fs';
import { sha256 } from './module-version.js';

const MISSING = 'missing';

function identity(st: BigIntStats): string {
  return `${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
}

function currentIdentity(file: string): string {
  try {
    return identity(statSync(file, { bigint: true }));
  } catch {
    return MISSING;
  }
}

/** Starts polling `file` every `intervalMs`; returns the function that stops it. */
export function pollFile(file: string, intervalMs: number, onChange: () => void): () => void {
  let last = currentIdentity(file);
  let inFlight = false;
  const timer = setInterval(() => {
    if (inFlight) return;
    inFlight = true;
    stat(file, { bigint: true }, (err, st) => {
      inFlight = false;
      const now = err ? MISSING : identity(st);
      if (now === last) return;
      last = now;
      // A removed file (mid-replace) is not a change to act on; its return is.
      if (now !== MISSING) onChange();
    });
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * Polls `file` (pollFile) and, when it changed, reads it and calls `onContent` with bytes whose
 * sha256 differs from the last content handled: a touch or a rewrite with the same bytes does
 * nothing. `checkNow` reads it once at once as well (it may have changed since whoever started
 * the watch last read it). A failed read (mid-replace, removed) waits for the next change. No
 * call comes after the returned stop function ran.
 */
export function watchFileContent(file: string, intervalMs: number, onContent: (bytes: Buffer, sha: string) => void,
  opts: { checkNow?: boolean } = {}): () => void {
  let lastSha: string | undefined;
  let stopped = false;
  const check = (): void => {
    readFile(file, (err, bytes) => {
      if (err || stopped) return;
      const sha = sha256(bytes);
      if (sha === lastSha) return;
      lastSha = sha;
      onContent(bytes, sha);
    });
  };
  const stopPoll = pollFile(file, intervalMs, check);
  if (opts.checkNow) check();
  return () => {
    stopped = true;
    stopPoll();
  };
}
