/**
 * `sluice filter new NAME`: scaffolds a filter project in ./NAME that builds, tests and runs
 * against the sluice it was created from (paths into it are written relative to the project).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { relPath, sluiceRoot, validFilterName } from './filter-paths.js';
import {
  asconfigJson, assemblyTsconfig, indexTs, packageJson, readme, sluiceYaml, testMjs, type ScaffoldPaths,
} from './filter-templates.js';

/** Created project, or a one-line reason it was not created. */
export function scaffoldFilter(name: string, cwd: string): { dir: string; files: string[] } | string {
  if (!validFilterName(name)) return `"${name}" is not a valid filter name (lower-case letters, digits and -, starting with a letter)`;
  const dir = resolve(cwd, name);
  if (existsSync(dir)) return `${dir} already exists`;
  const p: ScaffoldPaths = { root: relPath(dir, sluiceRoot()) };
  const files: Array<[string, string]> = [
    ['assembly/index.ts', indexTs(name)],
    ['assembly/tsconfig.json', assemblyTsconfig(p)],
    ['asconfig.json', asconfigJson(name, p)],
    ['package.json', packageJson(name, p)],
    [`test/${name}.test.mjs`, testMjs(name, p)],
    ['sluice.yaml', sluiceYaml(name)],
    ['README.md', readme(name, p)],
    ['.gitignore', 'build/\n'],
  ];
  for (const [rel, text] of files) {
    const file = join(dir, rel);
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, text);
  }
  return { dir, files: files.map(([rel]) => rel) };
}
