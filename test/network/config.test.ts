/**
 * Config checks of the connection layer: terminals, references, TLS files and modes, reported as
 * `path: message` before anything starts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigLoadError } from '../../host/config/errors.js';
import { parseConfigText } from '../../host/config/load.js';
import { makeCerts } from '../tls/certs.js';

function errorsOf(config: unknown): string[] {
  try {
    parseConfigText(JSON.stringify(config), { format: 'json', baseDir: process.cwd() });
  } catch (err) {
    if (err instanceof ConfigLoadError) return err.errors.map((e) => `${e.path}: ${e.message}`);
    throw err;
  }
  return [];
}

const rc = [{ name: 'rc', virtual_hosts: [{ name: 'all', domains: ['*'], routes: [{ match: { prefix: '/' }, direct_response: { status: 200 } }] }] }];
const clusters = [{ name: 'c', endpoints: [{ address: '127.0.0.1:1' }] }];

test('a listener-level tcp_proxy, filter chains and TLS passthrough are valid', () => {
  assert.deepEqual(errorsOf({ listeners: [{ name: 'l', address: '127.0.0.1:0', tcp_proxy: { cluster: 'c', idle_timeout: '5m' } }], clusters }), []);
  assert.deepEqual(errorsOf({
    listeners: [{
      name: 'l', address: '127.0.0.1:0', route_config: 'rc', inspector_timeout: '2s',
      filter_chains: [{ match: { server_names: ['*.example.com'], alpn: ['h2'] }, tcp_proxy: { cluster: 'c' } }],
    }],
    route_configs: rc, clusters,
  }), []);
});

test('terminals and references are checked', () => {
  const errs = errorsOf({
    listeners: [
      { name: 'none', address: '127.0.0.1:0' },
      { name: 'both', address: '127.0.0.1:0', route_config: 'rc', tcp_proxy: { cluster: 'c' } },
      { name: 'refs', address: '127.0.0.1:0', filter_chains: [{ route_config: 'nope' }, { tcp_proxy: { cluster: 'nope' } }] },
    ],
    route_configs: rc, clusters,
  });
  assert.ok(errs.includes("listeners[0]: missing required key 'route_config' (or tcp_proxy, filter_chains)"), errs.join('\n'));
  assert.ok(errs.includes('listeners[1]: needs exactly one of route_config, tcp_proxy'), errs.join('\n'));
  assert.ok(errs.includes("listeners[2].filter_chains[0].route_config: unknown route config 'nope'"), errs.join('\n'));
  assert.ok(errs.includes("listeners[2].filter_chains[1].tcp_proxy.cluster: unknown cluster 'nope'"), errs.join('\n'));
});

test('a chain needs exactly one terminal (schema)', () => {
  const errs = errorsOf({ listeners: [{ name: 'l', address: '127.0.0.1:0', filter_chains: [{ match: { alpn: ['h2'] } }] }], clusters });
  assert.deepEqual(errs, ['listeners[0].filter_chains[0]: needs exactly one of tcp_proxy, route_config']);
});

test('tls blocks: files, key pairing and client certificate mode', (t) => {
  const c = makeCerts(t);
  const errs = errorsOf({
    listeners: [
      { name: 'a', address: '127.0.0.1:0', route_config: 'rc', tls: { cert_file: c.crt('a') } },
      { name: 'b', address: '127.0.0.1:0', route_config: 'rc', tls: { cert_file: c.crt('a'), key_file: c.key('b') } },
      { name: 'c', address: '127.0.0.1:0', route_config: 'rc', tls: { cert_file: c.crt('a'), key_file: '/nonexistent.key', client_certificate: 'required' } },
      { name: 'd', address: '127.0.0.1:0', route_config: 'rc', tls: {} },
    ],
    route_configs: rc,
  });
  assert.ok(errs.includes('listeners[0].tls: cert_file and key_file go together'), errs.join('\n'));
  assert.ok(errs.some((e) => e.startsWith('listeners[1].tls: unusable certificate or key:')), errs.join('\n'));
  assert.ok(errs.includes('listeners[2].tls.key_file: no such file: /nonexistent.key'), errs.join('\n'));
  assert.ok(errs.includes("listeners[2].tls.client_certificate: 'required' needs client_ca_file"), errs.join('\n'));
  assert.ok(errs.includes('listeners[3].tls: needs cert_file and key_file, or certificates'), errs.join('\n'));
});
