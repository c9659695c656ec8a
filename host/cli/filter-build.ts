/**
 * `sluice filter build [DIR]`: compiles DIR/assembly/index.ts (DIR defaults to the current
 * directory) to DIR/build/<name>.wasm with the asc programmatic API, using DIR/asconfig.json
 * when present and the SDK's base flags otherwise. The SDK is always put on asc's package path,
 * so `import … from "sdk/assembly"` resolves to this sluice's sdk/assembly.
 */
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { projectName, sluiceRoot } from './filter-paths.js';

/** What a build produced. */
export interface BuildResult {
  ok: boolean;
  /** The .wasm written (absolute). */
  outFile: string;
  /** asc's diagnostics (errors and warnings), empty on a clean build. */
  diagnostics: string;
  ms: number;
}

/** Flags used when the project has no asconfig.json: sdk/asconfig.base.json, spelled out. */
function baseFlags(root: string): string[] {
  return [
    '--optimizeLevel', '3', '--shrinkLevel', '0', '--runtime', 'incremental', '--exportStart', '_initialize',
    '--noAssert', '--path', root,
    '--use', 'abort=~lib/sdk/assembly/abort/sluiceAbort',
    '--use', 'trace=~lib/sdk/assembly/abort/sluiceTrace',
    '--use', 'seed=~lib/sdk/assembly/api/time/sluiceSeed',
  ];
}

/** Compiles the filter project in `dir`. Never throws for compile errors: see `ok`. */
export async function buildFilter(dir: string, opts: { fast?: boolean } = {}): Promise<BuildResult> {
  const started = performance.now();
  const abs = resolve(dir);
  const entry = join(abs, 'assembly', 'index.ts');
  const outFile = join(abs, 'build', `${projectName(abs)}.wasm`);
  if (!existsSync(entry)) {
    return { ok: false, outFile, diagnostics: `no filter here: ${relative(process.cwd(), entry) || entry} does not exist\n`, ms: 0 };
  }
  mkdirSync(join(abs, 'build'), { recursive: true });
  const root = sluiceRoot();
  const args = ['assembly/index.ts', '--baseDir', abs, '--outFile', relative(abs, outFile)];
  if (existsSync(join(abs, 'asconfig.json'))) args.push('--config', 'asconfig.json', '--path', root);
  else args.push(...baseFlags(root));
  // -O0 compiles about 3× faster: for edit-test loops, not for deployment.
  if (opts.fast) args.push('--optimizeLevel', '0', '--shrinkLevel', '0');
  // Loaded lazily: the compiler is large and only `build` / `test` need it.
  const asc = (await import('assemblyscript/asc')).default;
  let diagnostics = '';
  const stream = { write: (s: string | Uint8Array) => { diagnostics += String(s); return true; } };
  const { error } = await asc.main(args, { stdout: { write: () => true }, stderr: stream });
  const ok = !error && existsSync(outFile) && statSync(outFile).size > 0;
  return { ok, outFile, diagnostics, ms: performance.now() - started };
}

/** Newest mtime of the .ts / asconfig.json files under `dirs` (build/ and node_modules skipped). */
function newestSource(dirs: string[]): number {
  let newest = 0;
  const walk = (d: string): void => {
    if (!existsSync(d)) return;
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.name === 'node_modules' || e.name === 'build') continue;
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts') || e.name === 'asconfig.json') newest = Math.max(newest, statSync(p).mtimeMs);
    }
  };
  dirs.forEach(walk);
  return newest;
}

/** Whether DIR/build/<name>.wasm is newer than the project's sources and the SDK's. */
export function upToDate(dir: string): boolean {
  const abs = resolve(dir);
  const out = join(abs, 'build', `${projectName(abs)}.wasm`);
  if (!existsSync(out)) return false;
  const src = newestSource([join(abs, 'assembly'), join(sluiceRoot(), 'sdk')]);
  const cfg = join(abs, 'asconfig.json');
  return statSync(out).mtimeMs > Math.max(src, existsSync(cfg) ? statSync(cfg).mtimeMs : 0);
}
