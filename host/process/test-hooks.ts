/**
 * Test-only fault injection for worker processes, enabled only when the worker's environment has
 * SLUICE_TEST_HOOKS=1 (tests set it on the sluice process; workers inherit it). Without it this
 * installs nothing, so production workers keep the default signal behaviour.
 */
import type { Logger } from '../observability/contract.js';

/** Environment variable that turns the hooks on. */
export const TEST_HOOKS_ENV = 'SLUICE_TEST_HOOKS';

/**
 * With hooks on, SIGUSR2 makes the worker block its event loop forever, as a runaway synchronous
 * call would: the process stays alive but answers nothing, heartbeats included. This is what the
 * supervisor's stuck-worker detection exists for, and nothing else reproduces it reliably.
 */
export function installTestHooks(env: NodeJS.ProcessEnv, log: Logger): void {
  if (env[TEST_HOOKS_ENV] !== '1') return;
  process.on('SIGUSR2', () => {
    log.warn('test hook: blocking the event loop until killed');
    const until = Number.POSITIVE_INFINITY;
    while (Date.now() < until) {
      // spin: deliberately never yields
    }
  });
}
