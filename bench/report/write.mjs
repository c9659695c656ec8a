// Writes one run's results as <stamp>.json, <stamp>.md and <stamp>.svg in the results
// directory; a full (non-quick) run also refreshes latest.{md,json,svg}, which the README links.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderMarkdown } from './markdown.mjs';
import { renderSvg } from './svg-chart.mjs';

/** "2026-11-22-1345" (UTC) from a Date. */
export function stamp(date) {
  const iso = date.toISOString();
  return `${iso.slice(0, 10)}-${iso.slice(11, 13)}${iso.slice(14, 16)}`;
}

/** Writes the three files; returns their paths. */
export function writeResults(dir, results) {
  mkdirSync(dir, { recursive: true });
  const base = join(dir, `${results.meta.stamp}${results.meta.quick ? '-quick' : ''}`);
  const files = { json: `${base}.json`, md: `${base}.md`, svg: `${base}.svg` };
  writeFileSync(files.json, JSON.stringify(results, null, 2) + '\n');
  writeFileSync(files.svg, renderSvg(results));
  writeFileSync(files.md, renderMarkdown(results, files));
  if (!results.meta.quick && !results.meta.aborted) {
    const latest = { json: join(dir, 'latest.json'), md: join(dir, 'latest.md'), svg: join(dir, 'latest.svg') };
    copyFileSync(files.json, latest.json);
    copyFileSync(files.svg, latest.svg);
    writeFileSync(latest.md, renderMarkdown(results, latest));
  }
  return files;
}
