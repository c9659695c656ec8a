#!/usr/bin/env node
// Compiles every AssemblyScript entry point of the repo to wasm. Run by `npm run build`
// (and so by `npm install` through `prepare`). Output is never committed.
//
// Entry points:
//   filters/<name>/assembly/index.ts  -> filters/build/<name>.wasm   (bundled filters)
//   test/wasm/<name>.ts               -> dist/test/wasm/<name>.wasm  (conformance/test modules)
//   examples/*/assembly/index.ts      -> examples/<name>/build/<name>.wasm
// A folder's asconfig.json, when present, is passed to asc with --config.
import { readdirSync, existsSync, statSync, mkdirSync } from 'node:fs';
import { join, dirname, basename, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import asc from 'assemblyscript/asc';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// Explicit _initialize instead of a start section: the host can read memory during init,
// and every proxy-wasm host knows how to call it.
export const DEFAULT_FLAGS = ['--optimizeLevel', '3', '--shrinkLevel', '0', '--runtime', 'incremental',
  '--exportStart', '_initialize', '--noAssert'];

function entries() {
  const out = [];
  const filtersDir = join(root, 'filters');
  if (existsSync(filtersDir)) {
    for (const name of readdirSync(filtersDir)) {
      const src = join(filtersDir, name, 'assembly', 'index.ts');
      if (existsSync(src)) out.push({ src, dir: join(filtersDir, name), out: join(filtersDir, 'build', `${name}.wasm`) });
    }
  }
  const testDir = join(root, 'test', 'wasm');
  if (existsSync(testDir)) {
    for (const f of readdirSync(testDir)) {
      if (!f.endsWith('.ts') || f.startsWith('_')) continue;
      out.push({ src: join(testDir, f), dir: testDir, out: join(root, 'dist', 'test', 'wasm', basename(f, '.ts') + '.wasm') });
    }
  }
  const exDir = join(root, 'examples');
  if (existsSync(exDir)) {
    for (const name of readdirSync(exDir)) {
      const src = join(exDir, name, 'assembly', 'index.ts');
      if (existsSync(src)) out.push({ src, dir: join(exDir, name), out: join(exDir, name, 'build', `${name}.wasm`) });
    }
  }
  return out;
}

function newestMtime(dirs) {
  let newest = 0;
  const walk = (d) => {
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

export async function compile(src, outFile, dir) {
  mkdirSync(dirname(outFile), { recursive: true });
  const args = [relative(root, src), '--outFile', relative(root, outFile)];
  const cfg = join(dir, 'asconfig.json');
  if (existsSync(cfg)) args.push('--config', relative(root, cfg));
  else args.push(...DEFAULT_FLAGS);
  let stderr = '';
  const { error } = await asc.main(args, {
    stdout: { write() {} },
    stderr: { write(s) { stderr += s; } },
    baseDir: root,
  });
  if (error) throw new Error(`asc failed for ${relative(root, src)}:\n${stderr}`);
}

const force = process.argv.includes('--force');
const sdkNewest = newestMtime([join(root, 'sdk', 'assembly')]);
let built = 0;
const failures = [];
for (const e of entries()) {
  if (!force && existsSync(e.out)) {
    const outTime = statSync(e.out).mtimeMs;
    const srcTime = Math.max(newestMtime([e.dir === join(root, 'test', 'wasm') ? join(root, 'test', 'wasm') : e.dir]), sdkNewest);
    if (outTime > srcTime) continue;
  }
  // One broken module must not hide the state of the others: build them all, then fail.
  try {
    await compile(e.src, e.out, e.dir);
    built++;
  } catch (err) {
    failures.push(err.message);
  }
}
console.log(`build-wasm: ${built} module(s) compiled`);
if (failures.length) {
  console.error(failures.join('\n'));
  console.error(`build-wasm: ${failures.length} module(s) failed`);
  process.exit(1);
}
