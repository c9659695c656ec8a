/**
 * Worker-thread entry of the fuel service: receives module bytes, answers with the instrumented
 * bytes (transferred, not copied) or the reason instrumentation failed.
 */
import { parentPort } from 'node:worker_threads';
import { instrumentFuel } from './fuel-instrument.js';

interface Job {
  id: number;
  bytes: Uint8Array;
}

parentPort!.on('message', (job: Job) => {
  try {
    const out = instrumentFuel(job.bytes);
    parentPort!.postMessage({ id: job.id, bytes: out }, [out.buffer as ArrayBuffer]);
  } catch (err) {
    parentPort!.postMessage({ id: job.id, error: (err as Error).message ?? String(err) });
  }
});
