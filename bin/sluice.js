#!/usr/bin/env node
// The `sluice` command: runs the compiled CLI (built by `npm install` / `npm run build`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const main = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'host', 'cli', 'main.js');
if (!existsSync(main)) {
  console.error('sluice: not built yet; run `npm install` (or `npm run build`) first');
  process.exit(1);
}
await import(main);
