import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { parseConfigText } from '../../host/config/load.js';
import { availableParallelism } from 'node:os';
import { configuredWorkers, drainTimeoutMs, loadedConfigFromWire, workerLoadedConfig } from '../../host/process/worker-config.js';

const TEXT = `workers: 3
admin: { address: 127.0.0.1:0 }
listeners:
  - { name: a, address: 127.0.0.1:0, route_config: main, drain_timeout: 2s }
  - { name: b, address: 127.0.0.1:0, route_config: main, drain_timeout: 7s }
route_configs:
  - name: main
    virtual_hosts: [{ name: all, domains: ["*"], routes: [{ match: { prefix: "/" }, direct_response: { status: 200 } }] }]
`;

function load(text = TEXT) {
  return parseConfigText(text, { format: 'yaml', baseDir: '/tmp' });
}

test('workers get a frozen copy of the config without admin; the original keeps it', () => {
  const loaded = load();
  const back = loadedConfigFromWire(JSON.parse(JSON.stringify(workerLoadedConfig(loaded))));
  assert.ok(back);
  assert.equal(back.config.admin, undefined);
  assert.ok(loaded.config.admin);
  assert.equal(back.hash, loaded.hash);
  assert.equal(back.loadedAt.getTime(), loaded.loadedAt.getTime());
  assert.deepEqual(back.config.listeners, loaded.config.listeners);
  assert.ok(Object.isFrozen(back.config.listeners[0]));
});

test('a malformed config message is refused', () => {
  assert.equal(loadedConfigFromWire({ config: 'x' }), undefined);
  assert.equal(loadedConfigFromWire(null), undefined);
});

test('the drain bound is the longest listener drain_timeout', () => {
  assert.equal(drainTimeoutMs(load().config), 7000);
});

test('workers: as configured; absent means one per core', () => {
  assert.equal(configuredWorkers(load().config), 3);
  assert.equal(configuredWorkers(load().config, 8), 3);
  const absent = load(TEXT.replace('workers: 3\n', '')).config;
  assert.equal(configuredWorkers(absent, 4), 4);
  assert.equal(configuredWorkers(absent, 1), 1);
  assert.equal(configuredWorkers(absent, 1000), 256);
  assert.equal(configuredWorkers(absent), availableParallelism());
});
