import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { ConfigLoadError, formatConfigErrors, loadConfigFile } from '../../host/config/load.js';
import { REPO_ROOT, runSluice } from './sluice-process.js';

const BAD_CONFIG = `listeners:
  - name: public
    address: nowhere
    route_config: main
route_configs:
  - name: main
    virtual_hosts:
      - name: all
        domains: ["*"]
        routes:
          - match: { prefix: "/" }
            route: { cluster: backend }
clusters:
  - name: backend
    lb_policy: fastest
    endpoints: [{ address: 127.0.0.1:9001 }]
`;

const GOOD_CONFIG = `listeners:
  - name: public
    address: 127.0.0.1:0
    route_config: main
  - name: internal
    address: 127.0.0.1:0
    route_config: main
route_configs:
  - name: main
    virtual_hosts:
      - name: all
        domains: ["*"]
        routes:
          - match: { prefix: "/" }
            route: { cluster: backend }
clusters:
  - name: backend
    endpoints: [{ address: 127.0.0.1:9001 }]
`;

async function configFile(t: TestContext, text: string, name = 'sluice.yaml'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-cli-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, name);
  await writeFile(file, text);
  return file;
}

test('validate on a bad file prints every path: message line on stderr and exits 2', async (t) => {
  const file = await configFile(t, BAD_CONFIG);
  // The exact lines are the loader's; compare with what it reports in-process.
  const expected = await loadConfigFile(file).then(
    () => assert.fail('config should be invalid'),
    (err: unknown) => (err as ConfigLoadError).errors,
  );
  const r = await runSluice(['validate', '-c', file]);
  assert.equal(r.code, 2);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr, formatConfigErrors(expected) + '\n');
  assert.match(r.stderr, /^listeners\[0\]\.address: /m);
  assert.match(r.stderr, /^clusters\[0\]\.lb_policy: /m);
});

test('validate on a missing file exits 2 naming the file', async () => {
  const r = await runSluice(['validate', '-c', '/nonexistent/sluice.yaml']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^\/nonexistent\/sluice\.yaml: cannot read config/);
});

test('validate on a good file prints the counts and exits 0', async (t) => {
  const file = await configFile(t, GOOD_CONFIG);
  const r = await runSluice(['validate', '-c', file]);
  assert.equal(r.stderr, '');
  assert.equal(r.stdout, 'config OK: 2 listeners, 1 clusters\n');
  assert.equal(r.code, 0);
});

test('validate reads JSON files too', async (t) => {
  const json = JSON.stringify({ listeners: [{ name: 'a', address: '127.0.0.1:0', route_config: 'm' }], route_configs: [{ name: 'm', virtual_hosts: [] }] });
  const file = await configFile(t, json, 'sluice.json');
  const r = await runSluice(['validate', '--config', file]);
  assert.equal(r.stdout, 'config OK: 1 listeners, 0 clusters\n');
  assert.equal(r.code, 0);
});

test('run with a bad config exits 2 with the error lines and binds nothing', async (t) => {
  const file = await configFile(t, BAD_CONFIG);
  const r = await runSluice(['run', '-c', file]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^listeners\[0\]\.address: /m);
  assert.doesNotMatch(r.stderr, /listener ready/);
});

test('--version prints the package.json version', async () => {
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
  const r = await runSluice(['--version']);
  assert.equal(r.code, 0);
  assert.equal(r.stdout, `${pkg.version}\n`);
});

test('--help prints usage on stdout and exits 0', async () => {
  const r = await runSluice(['--help']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^Usage: sluice <command>/);
  for (const cmd of ['run [-c FILE]', 'validate -c FILE', 'filter new|build|test']) assert.ok(r.stdout.includes(cmd), cmd);
});

test('an unknown command prints usage on stderr and exits 2', async () => {
  const r = await runSluice(['frobnicate']);
  assert.equal(r.code, 2);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /unknown command "frobnicate"/);
  assert.match(r.stderr, /Usage: sluice <command>/);
});

test('an unknown flag prints usage on stderr and exits 2', async () => {
  const r = await runSluice(['validate', '--bogus']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--bogus/);
  assert.match(r.stderr, /Usage: sluice <command>/);
});

test('validate without -c is a usage error', async () => {
  const r = await runSluice(['validate']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /validate needs -c FILE/);
});

test('no command at all is a usage error', async () => {
  const r = await runSluice([]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /Usage: sluice <command>/);
});
