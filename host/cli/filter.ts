/**
 * `sluice filter new|build|test`: the filter author's commands (dispatched here by main.ts).
 *
 *   sluice filter new NAME     scaffold ./NAME (filter, asconfig, package.json, test, README, sluice.yaml)
 *   sluice filter build [--fast] [DIR]  compile DIR (default .) to DIR/build/<name>.wasm
 *   sluice filter test [--fast] [DIR]   build if needed, then run DIR/test with node --test
 * --fast compiles without optimization (-O0): quicker edit-test loops, slower filter.
 */
import { buildFilter } from './filter-build.js';
import { scaffoldFilter } from './filter-new.js';
import { testFilter } from './filter-test.js';

const USAGE = `usage: sluice filter new NAME      create a filter project in ./NAME
       sluice filter build [--fast] [DIR]   compile DIR/assembly/index.ts to DIR/build/<name>.wasm
       sluice filter test [--fast] [DIR]    build if needed, then run DIR/test with node --test
  --fast: compile without optimization (about 3x quicker; not for production)
`;

/** Runs a `sluice filter …` command line (`args` after "filter"); resolves with the exit code. */
export async function runFilterCommand(args: string[]): Promise<number> {
  const out = (s: string): void => void process.stdout.write(s);
  const err = (s: string): void => void process.stderr.write(s);
  const [sub, ...rest] = args;
  if (sub === undefined || sub === '-h' || sub === '--help' || sub === 'help') {
    (sub === undefined ? err : out)(USAGE);
    return sub === undefined ? 2 : 0;
  }
  const fast = sub !== 'new' && rest.includes('--fast');
  if (fast) rest.splice(rest.indexOf('--fast'), 1);
  const extra = rest.filter((a) => a.startsWith('-'));
  if (extra.length > 0) {
    err(`sluice filter ${sub}: unknown option ${extra[0]}\n${USAGE}`);
    return 2;
  }
  switch (sub) {
    case 'new': {
      if (rest.length !== 1) {
        err(`sluice filter new: expected one NAME\n${USAGE}`);
        return 2;
      }
      const result = scaffoldFilter(rest[0]!, process.cwd());
      if (typeof result === 'string') {
        err(`sluice filter new: ${result}\n`);
        return 1;
      }
      // `npm test` runs this checkout's CLI through the scaffold's package.json, so the hint
      // works whether or not `sluice` is on PATH.
      out(`created ${result.dir}:\n${result.files.map((f) => `  ${f}\n`).join('')}next: cd ${rest[0]} && npm test   (builds, then runs the tests)\n`);
      return 0;
    }
    case 'build': {
      if (rest.length > 1) {
        err(`sluice filter build: expected at most one DIR\n${USAGE}`);
        return 2;
      }
      const r = await buildFilter(rest[0] ?? '.', { fast });
      err(r.diagnostics);
      if (!r.ok) {
        err('sluice filter build: failed\n');
        return 1;
      }
      out(`built ${r.outFile} in ${Math.round(r.ms)} ms\n`);
      return 0;
    }
    case 'test': {
      if (rest.length > 1) {
        err(`sluice filter test: expected at most one DIR\n${USAGE}`);
        return 2;
      }
      return testFilter(rest[0] ?? '.', err, { fast });
    }
    default:
      err(`sluice filter: unknown command "${sub}"\n${USAGE}`);
      return 2;
  }
}
