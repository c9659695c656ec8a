/**
 * Test launcher: what `sluice run -c FILE` does when the config asks for `workers` > 1, until the
 * CLI calls runSupervisor itself. Only acts when SLUICE_PROCESS_LAUNCH=1, because node --test
 * also loads every .js file under dist/test/ as a test file.
 */
import { ConfigLoadError, formatConfigErrors, loadConfigFile } from '../../host/config/load.js';
import { createLogger } from '../../host/observability/logger.js';
import { runSupervisor } from '../../host/process/supervisor.js';
import { configuredWorkers } from '../../host/process/worker-config.js';

if (process.env.SLUICE_PROCESS_LAUNCH === '1') {
  const log = createLogger();
  const loaded = await loadConfigFile(process.argv[2]!);
  const code = await runSupervisor({
    configFile: process.argv[2],
    loaded,
    log,
    workers: configuredWorkers(loaded.config),
    reportStartFailure: (err) => {
      const text = err instanceof ConfigLoadError ? formatConfigErrors(err.errors) : String(err);
      process.stderr.write(`sluice: ${text}\n`);
      return err instanceof ConfigLoadError ? 2 : 1;
    },
  });
  process.exit(code);
}
