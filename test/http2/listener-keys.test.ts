/**
 * The listener's `codec` and `http2` keys reach the codec through config: h2c on by default,
 * off with `codec: http1`; `http2.max_concurrent_streams` is what the server advertises;
 * `http2.stream_idle_timeout` resets a silent stream.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, constants, type ClientHttp2Session } from 'node:http2';
import { startGateway, startUpstream } from '../gateway/harness.js';

function config(listener: Record<string, unknown>): Record<string, unknown> {
  return {
    listeners: [{ name: 'l', address: '127.0.0.1:0', route_config: 'rc', ...listener }],
    route_configs: [{ name: 'rc', virtual_hosts: [{ name: 'all', domains: ['*'], routes: [{ match: { prefix: '/' }, direct_response: { status: 200, body: 'ok' } }] }] }],
  };
}

function settings(port: number): Promise<{ session: ClientHttp2Session; maxStreams: number | undefined } | Error> {
  return new Promise((resolve) => {
    const session = connect(`http://127.0.0.1:${port}`);
    const timer = setTimeout(() => { session.destroy(); resolve(new Error('no SETTINGS')); }, 2000);
    session.once('remoteSettings', (s) => { clearTimeout(timer); resolve({ session, maxStreams: s.maxConcurrentStreams }); });
    session.once('error', (e) => { clearTimeout(timer); resolve(e); });
    session.once('close', () => { clearTimeout(timer); resolve(new Error('closed')); });
  });
}

test('listener http2.max_concurrent_streams is advertised to h2c clients', async (t) => {
  const { port } = await startGateway(t, config({ http2: { max_concurrent_streams: 7 } }));
  const r = await settings(port);
  assert.ok(!(r instanceof Error), String(r));
  t.after(() => r.session.destroy());
  assert.equal(r.maxStreams, 7);
});

test('listener codec: http1 turns h2c prior knowledge off', async (t) => {
  const { port } = await startGateway(t, config({ codec: 'http1' }));
  const r = await settings(port);
  if (!(r instanceof Error)) r.session.destroy();
  assert.ok(r instanceof Error, 'an HTTP/1.1-only listener must not speak HTTP/2');
});

test('listener http2.stream_idle_timeout resets a stream with no frames either way', async (t) => {
  const up = await startUpstream(t, 'silent', (req) => req.resume()); // never answers
  const { port } = await startGateway(t, {
    listeners: [{ name: 'l', address: '127.0.0.1:0', route_config: 'rc', http2: { stream_idle_timeout: '200ms' } }],
    route_configs: [{ name: 'rc', virtual_hosts: [{ name: 'all', domains: ['*'], routes: [{ match: { prefix: '/' }, route: { cluster: 'up' } }] }] }],
    clusters: [{ name: 'up', endpoints: [{ address: up.address }] }],
  });
  const session = connect(`http://127.0.0.1:${port}`);
  t.after(() => session.destroy());
  session.on('error', () => {});
  const s = session.request({ ':path': '/held' }, { endStream: true });
  s.on('error', () => {});
  const rstCode = await new Promise<number>((r) => s.once('close', () => r(s.rstCode)));
  assert.equal(rstCode, constants.NGHTTP2_CANCEL);
});
