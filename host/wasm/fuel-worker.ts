/**
 * Child-process entry of the fuel service: receives module bytes over IPC, answers with the
 * instrumented bytes or the reason instrumentation failed. Exits when its parent goes away.
 */
import { instrumentFuel } from './fuel-instrument.js';

interface Job {
  id: number;
  bytes: Uint8Array;
}

process.on('message', (job: Job) => {
  try {
    const out = instrumentFuel(job.bytes);
    process.send!({ id: job.id, bytes: out });
  } catch (err) {
    process.send!({ id: job.id, error: (err as Error).message ?? String(err) });
  }
});
process.on('disconnect', () => process.exit(0));
