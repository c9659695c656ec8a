/**
 * proxy-wasm network filters (test/wasm/net_filter.ts) in front of tcp_proxy and of the HTTP
 * codec: rewriting bytes both ways, holding bytes until enough arrived (StopIteration
 * accumulates), closing connections from a denied address, close callbacks with the peer type,
 * connection.* properties of a TLS connection, and fail_closed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { startGateway } from '../gateway/harness.js';
import { makeCerts } from '../tls/certs.js';
import { startEcho, tcpConfig } from './servers.js';
import { readUntil } from './tcp-client.js';

const WASM = fileURLToPath(new URL('../wasm/net_filter.wasm', import.meta.url));

function netFilter(mode: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { name: 'net', wasm: { file: WASM, configuration: mode, ...extra } };
}

async function waitFor(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !cond(); i++) await new Promise((r) => setTimeout(r, 20));
}

test('a network filter rewrites client bytes (replace) and upstream bytes (append)', async (t) => {
  const echo = await startEcho(t);
  const { port } = await startGateway(t, tcpConfig({
    filter_chains: [{ network_filters: [netFilter('upper')], tcp_proxy: { cluster: 'echo' } }],
  }, [{ name: 'echo', address: echo.address }]));
  const s = connect({ port, host: '127.0.0.1' });
  t.after(() => s.destroy());
  s.write('hello');
  assert.equal(await readUntil(s, '!'), 'HELLO!');
  assert.deepEqual(echo.received, ['HELLO']);
});

test('StopIteration keeps bytes buffered; the next call sees the total', async (t) => {
  const echo = await startEcho(t);
  const { port, logs } = await startGateway(t, tcpConfig({
    filter_chains: [{ network_filters: [netFilter('hold10')], tcp_proxy: { cluster: 'echo' } }],
  }, [{ name: 'echo', address: echo.address }]));
  const s = connect({ port, host: '127.0.0.1' });
  t.after(() => s.destroy());
  s.write('12345');
  await waitFor(() => echo.received.length > 0);
  s.write('67890');
  assert.equal(await readUntil(s, '1234567890'), '1234567890');
  assert.deepEqual(echo.received, ['1234567890']);
  assert.ok(logs.some((l) => l.includes('released 10')));
});

test('a filter closes connections from a denied address; others pass', async (t) => {
  const echo = await startEcho(t);
  const denied = await startGateway(t, tcpConfig({
    filter_chains: [{ network_filters: [netFilter('deny:127.0.0.1')], tcp_proxy: { cluster: 'echo' } }],
  }, [{ name: 'echo', address: echo.address }]));
  const s = connect({ port: denied.port, host: '127.0.0.1' });
  s.on('error', () => {});
  let got = '';
  s.on('data', (d: Buffer) => (got += d.toString()));
  s.write('hi');
  await once(s, 'close');
  assert.equal(got, '');
  assert.ok(denied.logs.some((l) => l.includes('deny 127.0.0.1')));
  assert.ok(denied.logs.some((l) => l.includes('close downstream 1')), 'closed locally');

  const allowed = await startGateway(t, tcpConfig({
    filter_chains: [{ network_filters: [netFilter('deny:10.')], tcp_proxy: { cluster: 'echo' } }],
  }, [{ name: 'echo', address: echo.address }]));
  const ok = connect({ port: allowed.port, host: '127.0.0.1' });
  t.after(() => ok.destroy());
  ok.write('hi');
  assert.equal(await readUntil(ok, 'hi'), 'hi');
});

test('a client that closes is reported as a remote close', async (t) => {
  const echo = await startEcho(t);
  const { port, logs } = await startGateway(t, tcpConfig({
    filter_chains: [{ network_filters: [netFilter('upper')], tcp_proxy: { cluster: 'echo' } }],
  }, [{ name: 'echo', address: echo.address }]));
  const s = connect({ port, host: '127.0.0.1' });
  s.write('x');
  await readUntil(s, '!');
  s.destroy();
  await waitFor(() => logs.some((l) => l.includes('close downstream 2')));
  assert.ok(logs.some((l) => l.includes('close downstream 2')));
});

test('connection.* properties of an mTLS connection reach the network filter', async (t) => {
  const c = makeCerts(t);
  const echo = await startEcho(t);
  const { port, logs } = await startGateway(t, tcpConfig({
    filter_chains: [{
      tls: { cert_file: c.crt('a'), key_file: c.key('a'), client_ca_file: `${c.dir}/ca.crt` },
      network_filters: [netFilter('props')],
      tcp_proxy: { cluster: 'echo' },
    }],
  }, [{ name: 'echo', address: echo.address }]));
  const s = tlsConnect({ host: '127.0.0.1', port, servername: 'a.test', ca: c.ca, cert: c.read('client.crt'), key: c.read('client.key') });
  t.after(() => s.destroy());
  await once(s, 'secureConnect');
  s.write('ping');
  await readUntil(s as unknown as Socket, 'ping');
  const line = logs.find((l) => l.includes('props '));
  assert.ok(line, 'props logged');
  assert.match(line, /mtls=true sni=a\.test version=TLSv1\.3 subject=CN=client,O=Sluice uri=spiffe:\/\/test\/client dns=client\.test sha=64 local=CN=a\.test,O=Sluice/);
});

test('network filters in front of the HTTP codec see and rewrite its bytes', async (t) => {
  const { port } = await startGateway(t, tcpConfig({ network_filters: [netFilter('upper')] }, []));
  const s = connect({ port, host: '127.0.0.1' });
  t.after(() => s.destroy());
  // Upper-casing the request keeps it valid HTTP (path "/"), and the response gets "!" appended.
  s.write('get / http/1.1\r\nhost: x\r\nconnection: close\r\n\r\n');
  const text = await readUntil(s, 'http!');
  assert.match(text, /^HTTP\/1\.1 200/);
});

test('proxy_continue_stream(DOWNSTREAM) releases held bytes; UPSTREAM is Unimplemented', async (t) => {
  const echo = await startEcho(t);
  const { port, logs } = await startGateway(t, tcpConfig({
    filter_chains: [{ network_filters: [netFilter('resume')], tcp_proxy: { cluster: 'echo' } }],
  }, [{ name: 'echo', address: echo.address }]));
  const s = connect({ port, host: '127.0.0.1' });
  t.after(() => s.destroy());
  s.write('held');
  assert.equal(await readUntil(s, 'held'), 'held');
  assert.ok(logs.some((l) => l.includes('continue upstream -> 12')));
});

test('fail_closed closes the connection when the VM traps; fail_open lets bytes through', async (t) => {
  const echo = await startEcho(t);
  const closed = await startGateway(t, tcpConfig({
    filter_chains: [{ network_filters: [netFilter('trap', { failure_policy: 'fail_closed' })], tcp_proxy: { cluster: 'echo' } }],
  }, [{ name: 'echo', address: echo.address }]));
  const s = connect({ port: closed.port, host: '127.0.0.1' });
  s.on('error', () => {});
  let got = '';
  s.on('data', (d: Buffer) => (got += d.toString()));
  s.write('boom');
  await once(s, 'close');
  assert.equal(got, '');
  assert.deepEqual(echo.received.filter((r) => r !== ''), []);

  const open = await startGateway(t, tcpConfig({
    filter_chains: [{ network_filters: [netFilter('trap', { failure_policy: 'fail_open' })], tcp_proxy: { cluster: 'echo' } }],
  }, [{ name: 'echo', address: echo.address }]));
  const o = connect({ port: open.port, host: '127.0.0.1' });
  t.after(() => o.destroy());
  o.write('fine');
  assert.equal(await readUntil(o, 'fine'), 'fine');
});
