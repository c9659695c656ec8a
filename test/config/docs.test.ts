import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfigFile } from '../../host/config/load.js';
import { rootSchema } from '../../host/config/schema/root.js';
import { tempDir } from './fixtures.js';

// Compiled to dist/test/config/, so the repo root is three levels up.
const DOC = readFileSync(new URL('../../../docs/config.md', import.meta.url), 'utf8');

/** Every property name anywhere in the schema. */
function schemaKeys(node: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(node)) node.forEach((n) => schemaKeys(n, out));
  else if (node !== null && typeof node === 'object') {
    const props = (node as { properties?: Record<string, unknown> }).properties;
    if (props) Object.keys(props).forEach((k) => out.add(k));
    Object.values(node).forEach((v) => schemaKeys(v, out));
  }
  return out;
}

test('docs/config.md mentions every key of the schema', () => {
  // A key counts as documented in its own row (`key`) or in a dotted row (`a.key`, `key.b`).
  const documented = (k: string) => [`\`${k}\``, `.${k}\``, `\`${k}.`].some((form) => DOC.includes(form));
  const missing = [...schemaKeys(rootSchema)].filter((k) => !documented(k));
  assert.deepEqual(missing, []);
});

test('the complete example in docs/config.md loads', async (t) => {
  const example = /## Complete example\s+```yaml\n([\s\S]*?)```/.exec(DOC)?.[1];
  assert.ok(example, 'no complete example found');
  const dir = tempDir(t, { 'sluice.yaml': example, 'filters/build/auth.wasm': '', 'filters/build/hello.wasm': '' });
  const loaded = await loadConfigFile(join(dir, 'sluice.yaml'));
  assert.equal(loaded.config.listeners[0]!.http_filters!.length, 2);
});
