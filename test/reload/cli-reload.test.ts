import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { SluiceProcess } from '../cli/sluice-process.js';
import { get, moduleVersion, startEchoUpstream, until, versionText } from './helpers.js';

function yamlConfig(upstream: string, header: string, cluster = 'up', module?: string): string {
  return [
    'listeners:',
    '  - name: main',
    '    address: 127.0.0.1:0',
    '    route_config: rc',
    ...(module ? [`    http_filters: [{ name: ver, wasm: { file: ${JSON.stringify(module)} } }]`] : []),
    'route_configs:',
    '  - name: rc',
    '    virtual_hosts:',
    '      - name: all',
    '        domains: ["*"]',
    '        routes:',
    '          - match: { prefix: "/" }',
    `            route: { cluster: ${cluster} }`,
    `            response_headers_to_add: [{ name: x-config, value: "${header}" }]`,
    'clusters:',
    '  - name: up',
    '    endpoints:',
    `      - address: ${upstream}`,
    '',
  ].join('\n');
}

test('sluice run -c FILE reloads the file when it changes and on SIGHUP; a broken file changes nothing', async (t) => {
  const up = await startEchoUpstream(t);
  const dir = mkdtempSync(join(tmpdir(), 'sluice-cli-reload-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'sluice.yaml');
  writeFileSync(file, yamlConfig(up.address, 'one'));
  const p = new SluiceProcess(['run', '-c', file]);
  t.after(async () => {
    p.child.kill('SIGTERM');
    await p.exited;
  });
  await until(() => p.logLines().some((l) => l.msg === 'listener ready'), 15_000);
  const ready = p.logLines().find((l) => l.msg === 'listener ready')!;
  const base = `http://${String(ready.address)}`;
  assert.equal((await get(`${base}/`)).headers['x-config'], 'one');

  writeFileSync(file, yamlConfig(up.address, 'two'));
  await until(async () => (await get(`${base}/`)).headers['x-config'] === 'two', 10_000);

  writeFileSync(file, yamlConfig(up.address, 'three', 'missing'));
  await until(() => p.logLines().some((l) => String(l.msg).startsWith('config reload refused: route_configs')), 10_000);
  assert.equal((await get(`${base}/`)).headers['x-config'], 'two');

  // A config naming a module file that does not exist yet is refused; once the module exists the
  // config file is unchanged, so only SIGHUP (no poll) can apply it.
  const module = join(dir, 'ver.wasm');
  writeFileSync(file, yamlConfig(up.address, 'four', 'up', module));
  await until(() => p.logLines().filter((l) => String(l.msg).startsWith('config reload refused: listeners')).length > 0, 10_000);
  writeFileSync(module, moduleVersion(4));
  const before = p.logLines().length;
  p.child.kill('SIGHUP');
  // Every worker (sluice run may fork several) serves the new config and its filter.
  await until(async () => {
    for (let i = 0; i < 4; i++) {
      const r = await get(`${base}/`, {});
      if (r.headers['x-config'] !== 'four' || r.headers['x-version-resp'] !== versionText(4)) return false;
    }
    return true;
  }, 10_000);
  const triggers = p.logLines().slice(before).filter((l) => l.msg === 'reloading config').map((l) => l.trigger);
  assert.deepEqual(triggers, ['SIGHUP']);
});
