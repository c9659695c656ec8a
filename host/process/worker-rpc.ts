/**
 * Primary-side queries to one worker over IPC: each query gets an id, the worker answers with
 * the same id, and a query that is not answered in time (the worker is stuck, or died between
 * send and answer) rejects instead of hanging an admin request.
 */
import type { FromWorker, ToWorker, WorkerChange, WorkerQuery } from './messages.js';

interface Pending {
  resolve(value: unknown): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

/** Outstanding queries to one worker process (one instance per process, not per slot). */
export class WorkerRpc {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  /**
   * @param send writes one message to the worker; returns false when the channel is closed.
   * @param timeoutMs how long a query may wait for its answer.
   */
  constructor(
    private readonly send: (m: ToWorker) => boolean,
    private readonly timeoutMs: number,
  ) {}

  /** Asks the worker; resolves with its answer, rejects on its error, a timeout or a closed channel. */
  query(query: WorkerQuery): Promise<unknown> {
    return this.call((id) => ({ sluice: 'query', id, query }), `"${query}"`, this.timeoutMs);
  }

  /** Asks the worker to apply a hot change (a reload may take longer than a query: its own timeout). */
  change(change: WorkerChange, timeoutMs: number): Promise<unknown> {
    return this.call((id) => ({ sluice: 'change', id, change }), `the ${change.kind} change`, timeoutMs);
  }

  private call(message: (id: number) => ToWorker, what: string, timeoutMs: number): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`worker did not answer ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      let sent = false;
      try {
        sent = this.send(message(id));
      } catch {
        // the channel closed under us (ERR_IPC_CHANNEL_CLOSED): handled as not sent
      }
      if (!sent) this.settle(id, undefined, new Error('worker IPC channel is closed'));
    });
  }

  /** Feeds an answer from the worker; answers for unknown (timed-out) ids are dropped. */
  onAnswer(m: Extract<FromWorker, { sluice: 'answer' }>): void {
    if (m.ok) this.settle(m.id, m.value, undefined);
    else this.settle(m.id, undefined, new Error(m.error));
  }

  /** Rejects every outstanding query (the worker exited). */
  failAll(reason: string): void {
    for (const id of [...this.pending.keys()]) this.settle(id, undefined, new Error(reason));
  }

  private settle(id: number, value: unknown, err: Error | undefined): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    clearTimeout(p.timer);
    if (err) p.reject(err);
    else p.resolve(value);
  }
}
