/**
 * Entry point of the `sluice` command (bin/sluice.js imports this): parses the command line and
 * dispatches to run / validate / filter, then exits with the command's code.
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { EXIT_FAILURE, EXIT_OK, USAGE, packageVersion, usageError } from './usage.js';
import { validateCommand } from './validate.js';

/** `-c FILE` / `--config FILE` and `--help`, shared by run and validate. Unknown flags are errors. */
function parseCommandArgs(args: string[]): { config?: string; help: boolean } | string {
  try {
    const { values } = parseArgs({
      args,
      options: { config: { type: 'string', short: 'c' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    });
    return { config: values.config, help: values.help ?? false };
  } catch (err) {
    return (err as Error).message;
  }
}

/**
 * The filter commands live in ./filter.ts (the SDK's tooling). Imported by a computed specifier
 * so this file builds, and the other commands work, before that module exists.
 */
async function filterCommand(args: string[]): Promise<number> {
  const url = new URL('./filter.js', import.meta.url);
  if (!existsSync(url)) {
    process.stderr.write('sluice: filter commands are not available yet\n');
    return EXIT_FAILURE;
  }
  const mod = (await import(url.href)) as { runFilterCommand?: (args: string[]) => Promise<number> };
  if (typeof mod.runFilterCommand !== 'function') {
    process.stderr.write('sluice: filter commands are not available yet\n');
    return EXIT_FAILURE;
  }
  return mod.runFilterCommand(args);
}

/** Runs the command line `argv` (without node and script); resolves with the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case undefined:
      return usageError('no command given');
    case '-h':
    case '--help':
    case 'help':
      process.stdout.write(USAGE);
      return EXIT_OK;
    case '-v':
    case '--version':
      process.stdout.write(`${packageVersion()}\n`);
      return EXIT_OK;
    case 'filter':
      return filterCommand(rest);
    case 'run':
    case 'validate': {
      const parsed = parseCommandArgs(rest);
      if (typeof parsed === 'string') return usageError(parsed);
      if (parsed.help) {
        process.stdout.write(USAGE);
        return EXIT_OK;
      }
      if (command === 'run') {
        // Loaded on demand: --help, --version and validate need none of the gateway's modules.
        const { runCommand } = await import('./run.js');
        return runCommand({ configFile: parsed.config });
      }
      if (parsed.config === undefined) return usageError('validate needs -c FILE');
      return validateCommand(parsed.config);
    }
    default:
      return usageError(command.startsWith('-') ? `unknown option ${command}` : `unknown command "${command}"`);
  }
}

process.exit(await main(process.argv.slice(2)));
