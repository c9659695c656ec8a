import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { SluiceProcess } from '../cli/sluice-process.js';
import { get, startEchoUpstream, until } from './helpers.js';

function yamlConfig(upstream: string, header: string, cluster = 'up'): string {
  return [
    'listeners:',
    '  - name: main',
    '    address: 127.0.0.1:0',
    '    route_config: rc',
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

  // Same file content as the refused one, fixed, with SIGHUP: reload runs without waiting for a poll.
  writeFileSync(file, yamlConfig(up.address, 'four'));
  p.child.kill('SIGHUP');
  await until(async () => (await get(`${base}/`)).headers['x-config'] === 'four', 10_000);
});
