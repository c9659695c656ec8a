/**
 * Where the sluice checkout (or installed package) is, seen from the compiled CLI, and the
 * paths a filter project needs into it: the SDK sources, the asc base config, the harness.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The sluice root: dist/host/cli/*.js → three levels up. */
export function sluiceRoot(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
}

/** Relative path from `from` to `to` with forward slashes (works in import specifiers and JSON). */
export function relPath(from: string, to: string): string {
  const r = relative(from, to).split(sep).join('/');
  return r.startsWith('.') ? r : `./${r}`;
}

/** The filter project's name: package.json "name", else the folder name. */
export function projectName(dir: string): string {
  const pkg = join(dir, 'package.json');
  if (existsSync(pkg)) {
    try {
      const name = (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: unknown }).name;
      if (typeof name === 'string' && name.length > 0) return name.replace(/^@[^/]+\//, '');
    } catch {
      // A broken package.json falls back to the folder name; build reports real problems.
    }
  }
  return basename(dir);
}

/** Filter names become file names, root ids and header names: keep them plain. */
export function validFilterName(name: string): boolean {
  return /^[a-z][a-z0-9-]{0,62}$/.test(name);
}
