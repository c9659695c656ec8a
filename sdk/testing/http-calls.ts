/**
 * Clusters for the harness: every http_call a filter makes lands here, is recorded, and is
 * answered by the test (a handler, or `respond()` / `fail()` on the recorded call). The host's
 * own http_call code runs unchanged: only the endpoint's dispatcher is the harness's.
 */
import type { Dispatcher } from 'undici';
import type { Cluster, ClusterManager, Endpoint } from '../../host/upstream/contract.js';
import type { HttpCallReply, HttpCallRequest } from './types.js';

/** A recorded call, answerable once. */
export class PendingHttpCall {
  /** True once `respond()` or `fail()` settled the call (later answers are ignored). */
  answered = false;
  /** Created by the harness's clusters when a filter makes an http_call. */
  constructor(
    /** What the filter sent. */
    readonly request: HttpCallRequest,
    private readonly settle: (r: HttpCallReply | Error) => void,
  ) {}

  /** Answers the call with a response. */
  respond(reply: HttpCallReply): void {
    if (this.answered) return;
    this.answered = true;
    this.settle(reply);
  }

  /** Fails the call (the filter sees a failed http_call: no headers). */
  fail(): void {
    if (this.answered) return;
    this.answered = true;
    this.settle(new Error('connection refused (harness)'));
  }
}

/**
 * Answers an http_call as it is made (on a later turn, as a real upstream would); return
 * undefined to leave the call pending for `respond()` / `fail()` on `FilterHarness.httpCalls`.
 */
export type HttpCallHandler = (req: HttpCallRequest) => HttpCallReply | undefined;

function flatToRecord(flat: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (Array.isArray(flat)) for (let i = 0; i + 1 < flat.length; i += 2) out[String(flat[i]).toLowerCase()] = String(flat[i + 1]);
  return out;
}

function toResponse(reply: HttpCallReply): unknown {
  const body = typeof reply.body === 'string' ? Buffer.from(reply.body) : reply.body ?? Buffer.alloc(0);
  return {
    statusCode: reply.status ?? 200,
    headers: Object.fromEntries(Object.entries(reply.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
    trailers: Object.fromEntries(Object.entries(reply.trailers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
    body: { arrayBuffer: async () => body.buffer.slice(body.byteOffset, body.byteOffset + body.length) },
  };
}

/** Builds a ClusterManager whose clusters answer from the test. `names`: known clusters (undefined: any). */
export function harnessClusters(names: readonly string[] | undefined, calls: PendingHttpCall[],
  handler: () => HttpCallHandler | undefined): ClusterManager {
  const made = new Map<string, Cluster>();
  const make = (name: string): Cluster => {
    const dispatcher = {
      request(opts: { path: string; method: string; headers: unknown; body: Buffer | null; signal?: AbortSignal }) {
        return new Promise((resolve, reject) => {
          const req: HttpCallRequest = {
            cluster: name, method: opts.method, path: opts.path, headers: flatToRecord(opts.headers),
            body: opts.body ?? Buffer.alloc(0),
          };
          const call = new PendingHttpCall(req, (r) => (r instanceof Error ? reject(r) : resolve(toResponse(r))));
          opts.signal?.addEventListener('abort', () => call.fail());
          calls.push(call);
          const reply = handler()?.(req);
          // Answer on a later turn, as a real upstream would: never inside the filter's callback.
          if (reply) setImmediate(() => call.respond(reply));
        });
      },
    } as unknown as Dispatcher;
    const ep: Endpoint = {
      address: `${name}:80`, ip: '127.0.0.1', port: 80, weight: 1, origin: 'http://127.0.0.1:80', dispatcher,
      activeRequests: 0, health: 'healthy',
    };
    return {
      name, connectTimeoutMs: 1000,
      chooseEndpoint: () => ep,
      onRequestStart: () => {},
      onRequestEnd: () => {},
      endpoints: () => [ep],
      describe: () => ({ name }),
      close: async () => {},
    };
  };
  return {
    get(name: string) {
      if (names && !names.includes(name)) return undefined;
      let c = made.get(name);
      if (!c) made.set(name, (c = make(name)));
      return c;
    },
    all: () => [...made.values()],
    close: async () => {},
  };
}
