import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ConfigLoadError, loadConfigFile, parseConfigText } from '../../host/config/load.js';
import { baseConfig, tempDir } from './fixtures.js';

const YAML_CONFIG = `
admin:
  address: 127.0.0.1:9901
listeners:
  - name: public
    address: 127.0.0.1:8080
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
    endpoints:
      - address: 127.0.0.1:9001
`;

const DESIGN_EXAMPLE = `
admin:
  address: 127.0.0.1:9901          # /ready, /stats/prometheus, /config_dump, /clusters, /filters
listeners:
  - name: public
    address: 127.0.0.1:8080
    # tls: { cert_file: ..., key_file: ..., client_ca_file: ... }
    http_filters:                   # stream filters, in request order
      - name: hello
        wasm:
          file: ./filters/build/hello.wasm   # any proxy-wasm module (ABI 0.1.0 / 0.2.0 / 0.2.1)
          root_id: hello                     # the root context the module registers
          configuration: "from sluice"       # plugin configuration: a string, or a map sent as JSON
          failure_policy: fail_closed        # fail_open | fail_closed | fail_reload
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
    lb_policy: round_robin
    endpoints:
      - address: 127.0.0.1:9001
`;

async function rejection(p: Promise<unknown>): Promise<ConfigLoadError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof ConfigLoadError, `expected ConfigLoadError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected the load to fail');
}

function syncRejection(fn: () => unknown): ConfigLoadError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigLoadError, `expected ConfigLoadError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected the parse to fail');
}

test('a valid YAML file loads with its file, baseDir and a sha256 hash', async (t) => {
  const dir = tempDir(t, { 'sluice.yaml': YAML_CONFIG });
  const loaded = await loadConfigFile(join(dir, 'sluice.yaml'));
  assert.equal(loaded.config.listeners[0]!.address, '127.0.0.1:8080');
  assert.equal(loaded.file, join(dir, 'sluice.yaml'));
  assert.equal(loaded.baseDir, dir);
  assert.match(loaded.hash, /^[0-9a-f]{64}$/);
  assert.ok(loaded.loadedAt instanceof Date);
});

test('a valid JSON file loads', async (t) => {
  const dir = tempDir(t, { 'sluice.json': JSON.stringify(baseConfig(), null, 2) });
  const loaded = await loadConfigFile(join(dir, 'sluice.json'));
  assert.deepEqual(loaded.config, baseConfig());
});

test('a file with another extension is read as YAML', async (t) => {
  const dir = tempDir(t, { 'sluice.conf': YAML_CONFIG });
  const loaded = await loadConfigFile(join(dir, 'sluice.conf'));
  assert.equal(loaded.config.clusters![0]!.name, 'backend');
});

test('the DESIGN.md example config loads when its wasm file exists', async (t) => {
  const dir = tempDir(t, { 'sluice.yaml': DESIGN_EXAMPLE, 'filters/build/hello.wasm': '\0asm' });
  const loaded = await loadConfigFile(join(dir, 'sluice.yaml'));
  const wasm = loaded.config.listeners[0]!.http_filters![0]!.wasm;
  assert.equal(wasm.file, './filters/build/hello.wasm');
  assert.equal(wasm.failure_policy, 'fail_closed');
});

test('the loaded config is deep-frozen', () => {
  const loaded = parseConfigText(JSON.stringify(baseConfig()), { format: 'json', baseDir: '.' });
  assert.ok(Object.isFrozen(loaded.config));
  assert.ok(Object.isFrozen(loaded.config.listeners[0]));
  assert.ok(Object.isFrozen(loaded.config.route_configs![0]!.virtual_hosts[0]!.routes[0]!.match));
});

test('the hash ignores format and key order but changes with content', () => {
  const json = parseConfigText(JSON.stringify(baseConfig()), { format: 'json', baseDir: '.' });
  const reordered = Object.fromEntries(Object.entries(baseConfig()).reverse());
  const again = parseConfigText(JSON.stringify(reordered), { format: 'yaml', baseDir: '.' });
  assert.equal(again.hash, json.hash);
  const changed = baseConfig();
  changed.listeners[0]!.address = '127.0.0.1:8081';
  assert.notEqual(parseConfigText(JSON.stringify(changed), { format: 'json', baseDir: '.' }).hash, json.hash);
});

test('an unreadable file is a ConfigLoadError with the file as its path', async (t) => {
  const file = join(tempDir(t), 'missing.yaml');
  const err = await rejection(loadConfigFile(file));
  assert.deepEqual(err.errors, [{ path: file, message: 'cannot read config: no such file' }]);
});

test('a directory given as the config file is a ConfigLoadError', async (t) => {
  const dir = tempDir(t);
  const err = await rejection(loadConfigFile(dir));
  assert.deepEqual(err.errors, [{ path: dir, message: 'cannot read config: is a directory' }]);
});

test('a YAML syntax error names the line and column', () => {
  const err = syncRejection(() =>
    parseConfigText('listeners:\n  - name: a\n    address: [1, 2\n', { format: 'yaml', file: 'x.yaml', baseDir: '.' }),
  );
  assert.equal(err.errors[0]!.path, 'x.yaml');
  assert.match(err.errors[0]!.message, /^YAML syntax error at line \d+, column \d+: /);
});

test('a duplicate YAML key is a syntax error', () => {
  const err = syncRejection(() => parseConfigText('workers: 1\nworkers: 2\n', { format: 'yaml', baseDir: '.' }));
  assert.match(err.errors[0]!.message, /^YAML syntax error at line 2, column 1: Map keys must be unique/);
});

test('a JSON syntax error names the line and column', () => {
  const err = syncRejection(() => parseConfigText('{\n  "workers": 1,\n}', { format: 'json', file: 'x.json', baseDir: '.' }));
  assert.deepEqual(err.errors, [
    { path: 'x.json', message: "JSON syntax error at line 3, column 1: Expected double-quoted property name" },
  ]);
});

test('truncated JSON points at the end of the input', () => {
  const err = syncRejection(() => parseConfigText('{"workers": ', { format: 'json', baseDir: '.' }));
  assert.deepEqual(err.errors, [{ path: '(root)', message: 'JSON syntax error at line 1, column 13: Unexpected end of input' }]);
});

test('an empty document is rejected at the root', () => {
  const err = syncRejection(() => parseConfigText('', { format: 'yaml', baseDir: '.' }));
  assert.deepEqual(err.errors, [{ path: '(root)', message: 'must be a map' }]);
});

test('the error message lists every problem, one path: message per line', () => {
  const err = syncRejection(() => parseConfigText('{"workers": "x"}', { format: 'json', baseDir: '.' }));
  assert.equal(err.message, "invalid config:\n(root): missing required key 'listeners'\nworkers: must be an integer");
});

test('admin: {} listens on the loopback default, 127.0.0.1:9901', () => {
  const loaded = parseConfigText(YAML_CONFIG.replace('admin:\n  address: 127.0.0.1:9901', 'admin: {}'), { format: 'yaml', baseDir: '.' });
  assert.equal(loaded.config.admin?.address, '127.0.0.1:9901');
});
