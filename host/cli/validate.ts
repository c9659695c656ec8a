/**
 * `sluice validate -c FILE`: load and check a config without starting anything.
 */
import { ConfigLoadError, formatConfigErrors, loadConfigFile } from '../config/load.js';
import { EXIT_OK, EXIT_USAGE } from './usage.js';

/** Prints "config OK: N listeners, N clusters" and returns 0, or prints every `path: message` line and returns 2. */
export async function validateCommand(file: string): Promise<number> {
  try {
    const loaded = await loadConfigFile(file);
    const { listeners, clusters = [] } = loaded.config;
    // Fixed wording (no singular forms) so scripts can match it.
    process.stdout.write(`config OK: ${listeners.length} listeners, ${clusters.length} clusters\n`);
    return EXIT_OK;
  } catch (err) {
    if (err instanceof ConfigLoadError) {
      process.stderr.write(formatConfigErrors(err.errors) + '\n');
      return EXIT_USAGE;
    }
    throw err;
  }
}

