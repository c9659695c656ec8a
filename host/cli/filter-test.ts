/**
 * `sluice filter test [DIR]`: builds the filter (unless build/ is newer than every source), then runs its tests (`node --test` on DIR/test)
 * in DIR, so tests load build/<name>.wasm through the harness exactly as written.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildFilter, upToDate } from './filter-build.js';

/** Builds and tests the project in `dir`; resolves with node --test's exit code (1 on build failure). */
export async function testFilter(dir: string, write: (s: string) => void, opts: { fast?: boolean } = {}): Promise<number> {
  const abs = resolve(dir);
  if (upToDate(abs)) {
    write('build is up to date\n');
  } else {
    const built = await buildFilter(abs, opts);
    write(built.diagnostics);
    if (!built.ok) {
      write('sluice filter test: build failed\n');
      return 1;
    }
    write(`built ${built.outFile} in ${Math.round(built.ms)} ms\n`);
  }
  const testDir = join(abs, 'test');
  if (!existsSync(testDir)) {
    write('sluice filter test: no test/ folder\n');
    return 1;
  }
  return new Promise<number>((done) => {
    const child = spawn(process.execPath, ['--test', 'test/'], { cwd: abs, stdio: 'inherit' });
    child.on('error', () => done(1));
    child.on('exit', (code) => done(code ?? 1));
  });
}
