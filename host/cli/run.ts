/**
 * `sluice run [-c FILE]`: load the config (or start the demo), start the gateway, report where it
 * listens, hot-reload the config file when it changes or on SIGHUP (and filter modules when
 * theirs change), and shut down gracefully on SIGTERM / SIGINT (a second signal exits at once).
 */
import { ConfigLoadError, formatConfigErrors, loadConfigFile, type LoadedConfig } from '../config/load.js';
import { demoBanner } from '../demo/banner.js';
import { demoPortsFromEnv, startDemo, type Demo } from '../demo/start.js';
import { Gateway } from '../gateway.js';
import type { Logger } from '../observability/contract.js';
import { createLogger } from '../observability/logger.js';
import { configuredWorkers } from '../process/worker-config.js';
import { watchConfigFile } from '../reload/config-watch.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from './usage.js';

/** How often `sluice run` polls the config file and filter modules for changes. */
const MODULE_POLL_MS = 500;

export interface RunOptions {
  /** Config file; undefined runs the built-in demo. */
  configFile: string | undefined;
}

function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Suggests other demo ports when the demo could not bind its own. */
function demoPortHint(demo: Demo): string {
  return (
    `sluice: the demo listens on 127.0.0.1:${demo.ports.listener} (gateway) and 127.0.0.1:${demo.ports.admin} (admin), ` +
    `and one of them is taken (another \`npm start\`?). Stop what holds it, or pick other ports, e.g.\n` +
    `  SLUICE_DEMO_PORT=8081 SLUICE_DEMO_ADMIN_PORT=9902 npm start\n`
  );
}

/**
 * Explains a failure to start and returns the exit code. Config problems, including addresses
 * that cannot be bound (the gateway reports those as ConfigLoadError), are `path: message` lines
 * and exit 2; anything else is a crash and exits 1.
 */
function reportStartFailure(err: unknown, demo: Demo | undefined): number {
  if (err instanceof ConfigLoadError) {
    process.stderr.write(formatConfigErrors(err.errors) + '\n');
    if (demo && err.errors.some((e) => /in use/.test(e.message))) process.stderr.write(demoPortHint(demo));
    return EXIT_USAGE;
  }
  const e = err as NodeJS.ErrnoException & { address?: string; port?: number };
  if (e.code === 'EADDRINUSE') {
    const where = e.address !== undefined && e.port !== undefined ? hostPort(e.address, e.port) : 'a configured address';
    process.stderr.write(`sluice: cannot listen: ${where} is already in use\n`);
    if (demo) process.stderr.write(demoPortHint(demo));
    return EXIT_USAGE;
  }
  process.stderr.write(`sluice: failed to start: ${e.stack ?? String(err)}\n`);
  return EXIT_FAILURE;
}

/** Resolves with the exit code once the gateway has stopped after a signal. */
function waitForSignalsThenStop(gateway: Gateway, demo: Demo | undefined, log: Logger): Promise<number> {
  return new Promise((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (stopping) {
        log.warn('second signal: exiting without waiting for in-flight requests', { signal });
        process.exit(signal === 'SIGINT' ? 130 : 143);
      }
      stopping = true;
      log.info('shutting down: draining in-flight requests (send the signal again to exit now)', { signal });
      gateway
        .stop()
        .then(() => demo?.upstream.close())
        .then(
          () => {
            log.info('stopped');
            resolve(EXIT_OK);
          },
          (err: unknown) => {
            log.error('error while stopping', { error: String(err) });
            resolve(EXIT_FAILURE);
          },
        );
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}

/** Runs the gateway until SIGTERM / SIGINT; returns the process exit code. */
export async function runCommand(opts: RunOptions): Promise<number> {
  const log = createLogger();
  let demo: Demo | undefined;
  let loaded: LoadedConfig;
  if (opts.configFile !== undefined) {
    try {
      loaded = await loadConfigFile(opts.configFile);
    } catch (err) {
      return reportStartFailure(err, undefined);
    }
  } else {
    const ports = demoPortsFromEnv(process.env);
    if (typeof ports === 'string') {
      process.stderr.write(`sluice: ${ports}\n`);
      return EXIT_USAGE;
    }
    demo = await startDemo(ports);
    loaded = demo.loaded;
  }

  const workers = configuredWorkers(loaded.config);
  if (workers > 1) {
    // Loaded on demand: node:cluster and the supervisor only matter with several workers.
    // The supervisor owns signals and the admin server in this mode.
    const { runSupervisor } = await import('../process/supervisor.js');
    const code = await runSupervisor({
      configFile: opts.configFile,
      loaded,
      log,
      workers,
      reportStartFailure: (err) => reportStartFailure(err, demo),
      onReady: (listeners, admin) => {
        if (demo) process.stdout.write(demoBanner(listeners[0]?.port ?? demo.ports.listener, admin?.port ?? demo.ports.admin) + '\n');
      },
    });
    await demo?.upstream.close();
    return code;
  }

  let gateway: Gateway;
  try {
    // Filter modules are watched; the config file too (below), plus SIGHUP.
    gateway = await Gateway.start(loaded, { log, watchModulesMs: MODULE_POLL_MS });
  } catch (err) {
    await demo?.upstream.close();
    return reportStartFailure(err, demo);
  }

  for (const l of gateway.listeners()) {
    log.info('listener ready', { listener: l.name, address: hostPort(l.host, l.port) });
  }
  if (gateway.admin) log.info('admin ready', { address: hostPort(gateway.admin.address, gateway.admin.port) });
  const configFile = opts.configFile;
  const unwatch = configFile === undefined
    ? undefined
    : watchConfigFile({ file: configFile, reload: () => gateway.reloadFile(configFile), log, intervalMs: MODULE_POLL_MS });
  if (demo) {
    const port = gateway.listeners()[0]?.port ?? demo.ports.listener;
    process.stdout.write(demoBanner(port, gateway.admin?.port ?? demo.ports.admin) + '\n');
  }
  const code = await waitForSignalsThenStop(gateway, demo, log);
  unwatch?.();
  return code;
}
