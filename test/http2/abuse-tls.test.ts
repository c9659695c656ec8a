/**
 * HTTP/2 abuse through a real TLS listener of the gateway (TLS terminated by the listener, h2
 * chosen by ALPN, then the codec): a rapid-reset burst earns the abuser a GOAWAY
 * ENHANCE_YOUR_CALM, its reset streams never go upstream, and another client is served.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect as h2connect, constants } from 'node:http2';
import { connect as tlsConnect } from 'node:tls';
import { startGateway, startUpstream } from '../gateway/harness.js';
import { makeCerts } from '../tls/certs.js';
import { h2request } from './h2-harness.js';
import { FrameType, goawayCode, rapidResetBurst, rawH2 } from './h2-raw.js';

test('TLS listener: a rapid-reset burst gets GOAWAY, goes nowhere upstream, and others are still served', async (t) => {
  const c = makeCerts(t);
  const up = await startUpstream(t);
  const { port, logs } = await startGateway(t, {
    listeners: [{ name: 'tls', address: '127.0.0.1:0', route_config: 'rc', tls: { cert_file: c.crt('a'), key_file: c.key('a') } }],
    route_configs: [{ name: 'rc', virtual_hosts: [{ name: 'all', domains: ['*'], routes: [{ match: { prefix: '/' }, route: { cluster: 'b' } }] }] }],
    clusters: [{ name: 'b', endpoints: [{ address: up.address }] }],
  });
  const raw = await rawH2(t, port, () => tlsConnect({ host: '127.0.0.1', port, servername: 'a.test', ca: c.ca, ALPNProtocols: ['h2'] }));
  raw.socket.write(rapidResetBurst('/burst', 300));
  const goaway = await raw.until((f) => f.type === FrameType.GOAWAY);
  assert.ok(goaway, 'expected a GOAWAY');
  assert.equal(goawayCode(goaway), constants.NGHTTP2_ENHANCE_YOUR_CALM);
  await raw.closed;

  const other = h2connect(`https://127.0.0.1:${port}`, { ca: c.ca, servername: 'a.test' });
  other.on('error', () => {});
  t.after(() => other.destroy());
  const r = await h2request(other, { ':path': '/ok' });
  assert.equal(r.headers[':status'], 200);
  const reached = up.seen.filter((s) => s.url === '/burst').length;
  assert.ok(reached < 30, `upstream saw ${reached} of the 300 reset requests`);
  assert.equal(logs.filter((l) => l.includes('rapid reset')).length, 1, logs.join(''));
});

test('TLS listener: a client that vanishes with streams in flight leaves none behind (stop drains at once)', async (t) => {
  const c = makeCerts(t);
  const up = await startUpstream(t);
  const { gw, port, logs } = await startGateway(t, {
    listeners: [{ name: 'tls', address: '127.0.0.1:0', route_config: 'rc', drain_timeout: '20s',
      tls: { cert_file: c.crt('a'), key_file: c.key('a') } }],
    route_configs: [{ name: 'rc', virtual_hosts: [{ name: 'all', domains: ['*'], routes: [{ match: { prefix: '/' }, route: { cluster: 'b' } }] }] }],
    clusters: [{ name: 'b', endpoints: [{ address: up.address }] }],
  });
  for (let round = 0; round < 10; round++) {
    let socket: ReturnType<typeof tlsConnect> | undefined;
    const s = h2connect(`https://127.0.0.1:${port}`, {
      createConnection: () => (socket = tlsConnect({ host: '127.0.0.1', port, servername: 'a.test', ca: c.ca, ALPNProtocols: ['h2'] })),
    });
    s.on('error', () => {});
    await new Promise((r) => s.once('connect', r));
    for (let i = 0; i < 20; i++) s.request({ ':path': '/' }).on('error', () => {}).resume();
    await new Promise((r) => setTimeout(r, round % 3));
    socket!.destroy();
  }
  await new Promise((r) => setTimeout(r, 300));
  // A stream left open would hold the drain to its 20 s bound and log that it closed busy connections.
  await gw.stop();
  assert.ok(!logs.some((l) => l.includes('closing busy connections')), logs.join(''));
});
