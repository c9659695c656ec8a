/**
 * ip-restriction as a network (L4) filter (root_id ip-restriction-network) in front of
 * tcp_proxy: a denied client's connection is closed before any byte reaches the upstream; an
 * allowed client's bytes pass both ways.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { startGateway } from '../gateway/harness.js';
import { startEcho, tcpConfig } from '../network/servers.js';

const WASM = fileURLToPath(new URL('../../../filters/build/ip-restriction.wasm', import.meta.url));

function ipFilter(configuration: Record<string, unknown>): Record<string, unknown> {
  return { name: 'ip', wasm: { file: WASM, root_id: 'ip-restriction-network', configuration } };
}

test('ip-restriction (network): a denied client is disconnected and the upstream sees nothing', async (t) => {
  const echo = await startEcho(t);
  const gw = await startGateway(t, tcpConfig({
    filter_chains: [{ network_filters: [ipFilter({ deny: ['127.0.0.0/8'] })], tcp_proxy: { cluster: 'echo' } }],
  }, [{ name: 'echo', address: echo.address }]));
  const s = connect({ port: gw.port, host: '127.0.0.1' });
  s.on('error', () => {});
  let got = '';
  s.on('data', (d: Buffer) => (got += d.toString()));
  s.write('hello');
  await once(s, 'close');
  assert.equal(got, '');
  assert.deepEqual(echo.received.filter((r) => r.length > 0), []);
});

test('ip-restriction (network): an allowed client reaches the upstream', async (t) => {
  const echo = await startEcho(t, 'echo:');
  const gw = await startGateway(t, tcpConfig({
    filter_chains: [{ network_filters: [ipFilter({ allow: ['127.0.0.1', '::1'], deny: ['10.0.0.0/8'] })], tcp_proxy: { cluster: 'echo' } }],
  }, [{ name: 'echo', address: echo.address }]));
  const s = connect({ port: gw.port, host: '127.0.0.1' });
  t.after(() => s.destroy());
  s.write('hello');
  const [d] = (await once(s, 'data')) as [Buffer];
  assert.equal(d.toString(), 'echo:hello');
});

async function ipv6Exchange(t: import('node:test').TestContext, configuration: Record<string, unknown>): Promise<string> {
  const echo = await startEcho(t, 'echo:');
  const gw = await startGateway(t, tcpConfig({
    address: '[::1]:0',
    filter_chains: [{ network_filters: [ipFilter(configuration)], tcp_proxy: { cluster: 'echo' } }],
  }, [{ name: 'echo', address: echo.address }]));
  const s = connect({ port: gw.port, host: '::1' });
  t.after(() => s.destroy());
  s.on('error', () => {});
  let got = '';
  s.on('data', (d: Buffer) => (got += d.toString()));
  s.end('hello');
  await once(s, 'close');
  return got;
}

test('ip-restriction (network): an IPv6 client inside an allowed IPv6 range reaches the upstream', async (t) => {
  assert.match(await ipv6Exchange(t, { allow: ['::1/128'] }), /^echo:hello/);
});

test('ip-restriction (network): an IPv6 client in a denied IPv6 range is disconnected', async (t) => {
  assert.equal(await ipv6Exchange(t, { allow: ['::/0'], deny: ['::1/128'] }), '');
});

test('ip-restriction (network): an IPv6 client is not matched by IPv4 allow ranges', async (t) => {
  assert.equal(await ipv6Exchange(t, { allow: ['127.0.0.0/8'] }), '');
});
