import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SluiceConfig } from '../../host/config/types.js';
import { diffConfigs } from '../../host/reload/config-diff.js';

const base: SluiceConfig = {
  listeners: [
    { name: 'a', address: '127.0.0.1:8001', route_config: 'rc' },
    { name: 'b', address: '127.0.0.1:8002', route_config: 'rc' },
    { name: 'c', address: '127.0.0.1:8003', route_config: 'rc' },
    { name: 'd', address: '127.0.0.1:8004', route_config: 'rc' },
  ],
  route_configs: [{ name: 'rc', virtual_hosts: [] }],
  clusters: [{ name: 'x', endpoints: [{ address: '127.0.0.1:1' }] }, { name: 'y', endpoints: [{ address: '127.0.0.1:2' }] }],
};

test('diffConfigs sorts listeners, route configs and clusters into added / removed / changed / unchanged', () => {
  const next: SluiceConfig = {
    listeners: [
      { route_config: 'rc', address: '127.0.0.1:8001', name: 'a' }, // same content, other key order
      { name: 'b', address: '127.0.0.1:9002', route_config: 'rc' }, // address: rebind
      { name: 'c', address: '127.0.0.1:8003', route_config: 'rc2' }, // snapshot only
      { name: 'e', address: '127.0.0.1:8005', route_config: 'rc' },
    ],
    route_configs: [{ name: 'rc', virtual_hosts: [] }, { name: 'rc2', virtual_hosts: [] }],
    clusters: [{ name: 'x', endpoints: [{ address: '127.0.0.1:1' }, { address: '127.0.0.1:3' }] }],
  };
  const d = diffConfigs(base, next);
  assert.deepEqual(d.listeners.unchanged, ['a']);
  assert.deepEqual(d.listeners.changed.sort(), ['b', 'c']);
  assert.deepEqual(d.listeners.rebind, ['b']);
  assert.deepEqual(d.listeners.added, ['e']);
  assert.deepEqual(d.listeners.removed, ['d']);
  assert.deepEqual(d.routeConfigs.added, ['rc2']);
  assert.deepEqual(d.clusters.changed, ['x']);
  assert.deepEqual(d.clusters.removed, ['y']);
  assert.equal(d.empty, false);
});

test('diffConfigs of equal configs is empty; from nothing, everything is added', () => {
  assert.equal(diffConfigs(base, structuredClone(base)).empty, true);
  const fresh = diffConfigs(undefined, base);
  assert.deepEqual(fresh.listeners.added, ['a', 'b', 'c', 'd']);
  assert.deepEqual(fresh.clusters.added, ['x', 'y']);
});

test('diffConfigs reports http filters by name', () => {
  const withFilter = (cfg: string): SluiceConfig => ({
    ...base,
    listeners: [{ name: 'a', address: '127.0.0.1:8001', route_config: 'rc', http_filters: [{ name: 'f', wasm: { file: 'f.wasm', configuration: cfg } }] }],
  });
  assert.deepEqual(diffConfigs(withFilter('1'), withFilter('2')).filters.changed, ['f']);
  assert.deepEqual(diffConfigs(withFilter('1'), withFilter('1')).filters.unchanged, ['f']);
  assert.deepEqual(diffConfigs(base, withFilter('1')).filters.added, ['f']);
});
