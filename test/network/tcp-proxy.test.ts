/**
 * tcp_proxy: bytes both ways through a cluster endpoint, half-close passed on, metrics, and TLS
 * passthrough routed on SNI without terminating.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { startGateway } from '../gateway/harness.js';
import { makeCerts } from '../tls/certs.js';
import { startEcho, startTlsEcho, tcpConfig } from './servers.js';
import { readUntil } from './tcp-client.js';

test('tcp_proxy echoes bytes through the cluster and passes the client FIN on', async (t) => {
  const echo = await startEcho(t);
  const { port } = await startGateway(t, tcpConfig({ filter_chains: [{ tcp_proxy: { cluster: 'echo' } }] }, [{ name: 'echo', address: echo.address }]));
  const s = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
  t.after(() => s.destroy());
  await once(s, 'connect');
  s.write('hello');
  assert.equal(await readUntil(s, 'hello'), 'hello');
  // Half-close: the upstream sees our FIN and still answers.
  const rest = readUntil(s, 'bye');
  s.end();
  assert.equal(await rest, 'bye');
  assert.deepEqual(echo.received, ['hello']);
});

test('tcp_proxy counts connections and bytes per cluster', async (t) => {
  const echo = await startEcho(t);
  const { gw, port } = await startGateway(t, tcpConfig({ filter_chains: [{ tcp_proxy: { cluster: 'echo', idle_timeout: '30s' } }] }, [{ name: 'echo', address: echo.address }]));
  const s = connect({ port, host: '127.0.0.1' });
  await once(s, 'connect');
  s.write('12345');
  await readUntil(s, '12345');
  s.destroy();
  const text = await gw.registry.metrics();
  assert.match(text, /sluice_tcp_proxy_connections_total\{listener="l4",cluster="echo"\} 1/);
  assert.match(text, /sluice_tcp_proxy_bytes_total\{listener="l4",cluster="echo",direction="upstream"\} 5/);
  assert.match(text, /sluice_tcp_proxy_bytes_total\{listener="l4",cluster="echo",direction="downstream"\} 5/);
});

test('a cluster nobody listens on closes the client connection', async (t) => {
  const { deadPort } = await import('../gateway/harness.js');
  const dead = await deadPort();
  const { port } = await startGateway(t, tcpConfig({ filter_chains: [{ tcp_proxy: { cluster: 'x' } }] }, [{ name: 'x', address: `127.0.0.1:${dead}` }]));
  const s = connect({ port, host: '127.0.0.1' });
  s.on('error', () => {});
  s.write('x');
  await once(s, 'close');
});

test('TLS passthrough: SNI picks the upstream, which terminates TLS itself', async (t) => {
  const c = makeCerts(t);
  const a = await startTlsEcho(t, 'A', c.read('a.crt'), c.read('a.key'));
  const b = await startTlsEcho(t, 'B', c.read('b.crt'), c.read('b.key'));
  const { port } = await startGateway(t, tcpConfig({
    filter_chains: [
      { match: { server_names: ['a.test'] }, tcp_proxy: { cluster: 'a' } },
      { match: { server_names: ['b.test'] }, tcp_proxy: { cluster: 'b' } },
    ],
  }, [{ name: 'a', address: a.address }, { name: 'b', address: b.address }]));
  for (const [name, reply] of [['a.test', 'A:ping'], ['b.test', 'B:ping']] as const) {
    const s = tlsConnect({ host: '127.0.0.1', port, servername: name, ca: c.ca });
    await once(s, 'secureConnect');
    assert.match(s.getPeerX509Certificate()!.subject, new RegExp(`CN=${name}`));
    s.write('ping');
    assert.equal(await readUntil(s as unknown as import('node:net').Socket, reply), reply);
    s.destroy();
  }
});

test('a connection matching no chain falls back to the listener-level HTTP chain', async (t) => {
  const c = makeCerts(t);
  const a = await startTlsEcho(t, 'A', c.read('a.crt'), c.read('a.key'));
  const { port } = await startGateway(t, tcpConfig({
    filter_chains: [{ match: { server_names: ['a.test'] }, tcp_proxy: { cluster: 'a' } }],
  }, [{ name: 'a', address: a.address }]));
  const r = await fetch(`http://127.0.0.1:${port}/`);
  assert.equal(r.status, 200);
  assert.equal(await r.text(), 'http');
});

test('chains match on the ALPN protocols the client offers', async (t) => {
  const c = makeCerts(t);
  const a = await startTlsEcho(t, 'A', c.read('a.crt'), c.read('a.key'));
  const b = await startTlsEcho(t, 'B', c.read('a.crt'), c.read('a.key'));
  const { port } = await startGateway(t, tcpConfig({
    filter_chains: [
      { match: { alpn: ['x-a'] }, tcp_proxy: { cluster: 'a' } },
      { match: { alpn: ['x-b'] }, tcp_proxy: { cluster: 'b' } },
    ],
  }, [{ name: 'a', address: a.address }, { name: 'b', address: b.address }]));
  for (const [proto, reply] of [['x-a', 'A:ping'], ['x-b', 'B:ping']] as const) {
    const s = tlsConnect({ host: '127.0.0.1', port, servername: 'a.test', ca: c.ca, ALPNProtocols: [proto] });
    await once(s, 'secureConnect');
    s.write('ping');
    assert.equal(await readUntil(s as unknown as import('node:net').Socket, reply), reply);
    s.destroy();
  }
});

test('idle_timeout closes a connection with no bytes either way', async (t) => {
  const echo = await startEcho(t);
  const { gw, port } = await startGateway(t, tcpConfig({ filter_chains: [{ tcp_proxy: { cluster: 'echo', idle_timeout: '200ms' } }] }, [{ name: 'echo', address: echo.address }]));
  const s = connect({ port, host: '127.0.0.1' });
  s.on('error', () => {});
  s.write('x');
  await readUntil(s, 'x');
  await once(s, 'close');
  assert.match(await gw.registry.metrics(), /sluice_tcp_proxy_idle_timeouts_total\{listener="l4",cluster="echo"\} 1/);
});

test('a listener with only tcp_proxy (no route_config) starts and proxies', async (t) => {
  const echo = await startEcho(t, 'e:');
  const { port } = await startGateway(t, {
    listeners: [{ name: 'l4', address: '127.0.0.1:0', tcp_proxy: { cluster: 'echo' } }],
    clusters: [{ name: 'echo', endpoints: [{ address: echo.address }] }],
  });
  const s = connect({ port, host: '127.0.0.1' });
  t.after(() => s.destroy());
  s.write('ping');
  const [d] = (await once(s, 'data')) as [Buffer];
  assert.equal(d.toString(), 'e:ping');
});
