/**
 * The listener's `codec` and `http2` keys reach the codec through config: h2c on by default,
 * off with `codec: http1`; `http2.max_concurrent_streams` is what the server advertises.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type ClientHttp2Session } from 'node:http2';
import { startGateway } from '../gateway/harness.js';

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
