/**
 * `sluice filter new|build|test`: the scaffold is complete, builds with the SDK from this
 * checkout, and its own tests pass through the harness.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildFilter } from '../../host/cli/filter-build.js';
import { scaffoldFilter } from '../../host/cli/filter-new.js';
import { testFilter } from '../../host/cli/filter-test.js';
import { runFilterCommand } from '../../host/cli/filter.js';
import { FilterHarness } from '../../sdk/testing/index.js';

function tempDir(t: { after(fn: () => unknown): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-filter-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('filter new writes the project files', (t) => {
  const dir = tempDir(t);
  const made = scaffoldFilter('demo', dir);
  assert.ok(typeof made !== 'string', String(made));
  for (const f of ['assembly/index.ts', 'asconfig.json', 'package.json', 'test/demo.test.mjs', 'sluice.yaml', 'README.md']) {
    assert.ok(existsSync(join(dir, 'demo', f)), f);
  }
  assert.match(readFileSync(join(dir, 'demo', 'sluice.yaml'), 'utf8'), /file: \.\/build\/demo\.wasm/);
});

test('filter new refuses an existing folder and a bad name', (t) => {
  const dir = tempDir(t);
  scaffoldFilter('demo', dir);
  assert.match(String(scaffoldFilter('demo', dir)), /already exists/);
  assert.match(String(scaffoldFilter('Bad_Name', dir)), /not a valid filter name/);
});

test('filter with no or an unknown subcommand is a usage error', async () => {
  assert.equal(await runFilterCommand(['frobnicate']), 2);
  assert.equal(await runFilterCommand(['new']), 2);
});

test('filter build reports a missing entry point', async (t) => {
  const r = await buildFilter(tempDir(t));
  assert.equal(r.ok, false);
  assert.match(r.diagnostics, /no filter here/);
});

test('a scaffolded filter builds, loads in the harness and passes its own tests', async (t) => {
  const dir = tempDir(t);
  scaffoldFilter('demo', dir);
  const project = join(dir, 'demo');
  const built = await buildFilter(project);
  assert.ok(built.ok, built.diagnostics);
  const h = await FilterHarness.load({ file: built.outFile, rootId: 'demo' });
  t.after(() => h.close());
  const r = await h.exchange();
  assert.equal(r.header('x-demo'), 'hello');
  let output = '';
  assert.equal(await testFilter(project, (s) => (output += s)), 0, output);
  assert.match(output, /up to date/);
});

test('filter build shows compile errors and fails', async (t) => {
  const dir = tempDir(t);
  scaffoldFilter('broken', dir);
  const file = join(dir, 'broken', 'assembly', 'index.ts');
  const { writeFileSync } = await import('node:fs');
  writeFileSync(file, readFileSync(file, 'utf8').replace('return FilterHeadersStatus.Continue;', 'return 42 +;'));
  const r = await buildFilter(join(dir, 'broken'));
  assert.equal(r.ok, false);
  assert.match(r.diagnostics, /ERROR/);
});
