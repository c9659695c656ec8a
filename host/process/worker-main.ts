/**
 * Entry point of a worker process: the supervisor forks this file (cluster.setupPrimary's
 * `exec`), not the CLI, so a worker never parses a command line or reads the config file.
 * It runs one Gateway, without admin, and exits with runWorker's code.
 */
import { Gateway } from '../gateway.js';
import { createLogger } from '../observability/logger.js';
import { runWorker, type WorkerGateway } from './worker.js';
import { applyWorkerChange } from './worker-changes.js';

const log = createLogger({}, { worker: Number(process.env.SLUICE_WORKER_ID ?? 0), pid: process.pid });
const code = await runWorker({
  startGateway: (loaded, deps) => Gateway.start(loaded, deps),
  // Gateway is its own AdminView.
  viewOf: (g: WorkerGateway) => (g instanceof Gateway ? g : undefined),
  applyChange: (g, change) => (g instanceof Gateway
    ? applyWorkerChange(g, change)
    : Promise.resolve({ ok: false, status: 500, error: 'this worker cannot apply changes' })),
  log,
});
process.exit(code);
