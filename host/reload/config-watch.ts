/**
 * What triggers a config reload from outside: the config file changing on disk (polled, so a
 * file replaced by rename is seen) and SIGHUP. Reloads are run one at a time; a trigger that
 * arrives while one runs queues exactly one more (the file is read when it starts, so the
 * latest content wins). Failures are the reload function's to log.
 */
import { pollFile } from './file-poll.js';
import type { Logger } from '../observability/contract.js';

export interface ConfigTriggerOptions {
  file: string;
  /** Reads, validates and applies the file; rejects when refused (already logged). */
  reload: () => Promise<unknown>;
  log: Logger;
  /** Poll interval; default 500 ms. */
  intervalMs?: number;
  /** Also reload on SIGHUP (default true). */
  sighup?: boolean;
}

/** Starts watching; returns the function that stops it. */
export function watchConfigFile(opts: ConfigTriggerOptions): () => void {
  let running = false;
  let again = false;
  const run = (why: string): void => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    opts.log.info('reloading config', { file: opts.file, trigger: why });
    opts.reload()
      .catch(() => undefined)
      .finally(() => {
        running = false;
        if (again) {
          again = false;
          run('queued');
        }
      });
  };
  const stopPoll = pollFile(opts.file, opts.intervalMs ?? 500, () => run('file changed'));
  const onHup = (): void => run('SIGHUP');
  if (opts.sighup !== false) process.on('SIGHUP', onHup);
  return () => {
    stopPoll();
    process.off('SIGHUP', onHup);
  };
}
