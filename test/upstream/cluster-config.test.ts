import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createClusterManager } from '../../host/upstream/cluster-manager.js';
import type { ClusterConfig } from '../../host/config/types.js';
import { captureLogger } from './upstream-servers.js';

const rejects = (configs: ClusterConfig[], message: RegExp) =>
  assert.rejects(createClusterManager(configs, { log: captureLogger().log }), { name: 'ClusterConfigError', message });

const ep = [{ address: '127.0.0.1:80' }];

test('an unknown lb_policy is rejected with its config path', async () => {
  await rejects([{ name: 'a', lb_policy: 'fastest' as never, endpoints: ep }], /^clusters\[0\]\.lb_policy: unknown policy "fastest"/);
});

test('a maglev table_size that is not prime is rejected', async () => {
  await rejects([{ name: 'a', lb_policy: 'maglev', maglev: { table_size: 65536 }, endpoints: ep }], /^clusters\[0\]\.maglev\.table_size: 65536 is not prime/);
});

test('a ring whose minimum exceeds its maximum is rejected', async () => {
  await rejects([{ name: 'a', lb_policy: 'ring_hash', ring_hash: { minimum_ring_size: 4096, maximum_ring_size: 1024 }, endpoints: ep }], /^clusters\[0\]\.ring_hash: minimum_ring_size/);
});

test('endpoint addresses without a valid port or with bare IPv6 are rejected', async () => {
  await rejects([{ name: 'a', endpoints: [{ address: 'example.com' }] }], /^clusters\[0\]\.endpoints\[0\]\.address:/);
  await rejects([{ name: 'a', endpoints: [{ address: '127.0.0.1:70000' }] }], /port must be 1-65535/);
  await rejects([{ name: 'a', endpoints: [{ address: '::1:80' }] }], /brackets/);
});

test('weights must be positive integers', async () => {
  await rejects([{ name: 'a', endpoints: [{ address: '127.0.0.1:80', weight: 0 }] }], /^clusters\[0\]\.endpoints\[0\]\.weight: must be an integer ≥ 1/);
});

test('duplicate cluster names and bad durations are rejected', async () => {
  await rejects([{ name: 'a', endpoints: ep }, { name: 'a', endpoints: ep }], /^clusters\[1\]\.name: duplicate cluster "a"/);
  await rejects([{ name: 'a', connect_timeout: '5 seconds', endpoints: ep }], /^clusters\[0\]\.connect_timeout:/);
});
