/** Cluster `tls` and `websocket_idle_timeout` config: schema, semantic checks, load-time errors. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfigText } from '../../host/config/load.js';
import { ConfigLoadError } from '../../host/config/errors.js';
import { createClusterManager } from '../../host/upstream/cluster-manager.js';
import { captureLogger } from './upstream-servers.js';

function load(cluster: Record<string, unknown>): unknown {
  const config = {
    listeners: [{ name: 'l', address: '127.0.0.1:0', route_config: 'rc' }],
    route_configs: [{ name: 'rc', virtual_hosts: [{ name: 'v', domains: ['*'], routes: [{ match: { prefix: '/' }, route: { cluster: 'c' } }] }] }],
    clusters: [{ name: 'c', endpoints: [{ address: '127.0.0.1:443' }], ...cluster }],
  };
  try {
    return parseConfigText(JSON.stringify(config), { format: 'json', baseDir: process.cwd() });
  } catch (err) {
    return err;
  }
}

function paths(r: unknown): string {
  assert.ok(r instanceof ConfigLoadError, 'expected a ConfigLoadError');
  return String((r as Error).message);
}

test('a full cluster tls block and websocket_idle_timeout validate', () => {
  const r = load({ protocol: 'http2', websocket_idle_timeout: '30m', tls: { sni: 'api.internal', verify: true, alpn: ['h2', 'http/1.1'] } });
  assert.ok(!(r instanceof Error), String(r));
});

test('unknown tls keys and alpn values are rejected with their path', () => {
  assert.match(paths(load({ tls: { verfy: false } })), /clusters\[0\]\.tls/);
  assert.match(paths(load({ tls: { alpn: ['h3'] } })), /clusters\[0\]\.tls\.alpn/);
});

test('cert_file without key_file is rejected', () => {
  assert.match(paths(load({ tls: { cert_file: '/x/cert.pem' } })), /clusters\[0\]\.tls\.key_file/);
});

test('an unreadable ca_file fails the cluster at load with its path', async () => {
  await assert.rejects(
    createClusterManager([{ name: 'a', endpoints: [{ address: '127.0.0.1:443' }], tls: { ca_file: '/nonexistent/ca.pem' } }], { log: captureLogger().log }),
    { name: 'ClusterConfigError', message: /^clusters\[0\]\.tls\.ca_file: cannot read/ },
  );
});

test('tls makes the endpoint origin https', async (t) => {
  const m = await createClusterManager([{ name: 'a', endpoints: [{ address: '127.0.0.1:443' }], tls: { verify: false } }], { log: captureLogger().log });
  t.after(() => m.close());
  const ep = m.get('a')!.endpoints()[0]!;
  assert.equal(ep.origin, 'https://127.0.0.1:443');
  assert.equal(ep.tlsOptions?.rejectUnauthorized, false);
});
