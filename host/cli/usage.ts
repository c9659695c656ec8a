/**
 * Help text, the version, and the usage-error convention of the `sluice` command.
 */
import { readFileSync } from 'node:fs';

/** Exit codes: 0 success, 1 runtime failure, 2 bad usage or bad config (nothing started). */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

export const USAGE = `Usage: sluice <command> [options]

Commands:
  run [-c FILE]            run the gateway from FILE; without -c, the built-in demo
  validate -c FILE         check FILE and exit: 0 valid, 2 invalid (every problem listed)
  filter new|build|test    tools for filter authors (sluice filter --help)

Options:
  -c, --config FILE        config file, YAML (.yaml/.yml) or JSON (.json)
  -h, --help               show this help
  -v, --version            print the version

Environment:
  SLUICE_LOG_LEVEL         trace | debug | info | warn | error (default info); logs go to stderr
  SLUICE_DEMO_PORT         demo listener port (default 8080; 0 = any free port)
  SLUICE_DEMO_ADMIN_PORT   demo admin port (default 9901; 0 = any free port)

Exit codes: 0 ok, 1 failure while running, 2 bad usage or invalid config.
`;

/** The package version, read from package.json next to dist/ (…/dist/host/cli/ → root). */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: string };
  return pkg.version ?? '0.0.0';
}

/** Writes `message` and the usage to stderr; returns the usage exit code. */
export function usageError(message: string): number {
  process.stderr.write(`sluice: ${message}\n\n${USAGE}`);
  return EXIT_USAGE;
}
