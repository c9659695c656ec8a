/**
 * HTTP behind network filters on a TLS listener: the codec reads the filtered bytes from a
 * bridge stream, not from the TLS socket, and the requests still carry the connection's facts
 * upstream: x-forwarded-proto https, the client's address in x-forwarded-for and its
 * certificate in x-forwarded-client-cert, over HTTP/1.1 and h2.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect as h2connect } from 'node:http2';
import { request as httpsRequest } from 'node:https';
import { fileURLToPath } from 'node:url';
import { startGateway, startUpstream, type Upstream } from '../gateway/harness.js';
import { makeCerts, type Certs } from '../tls/certs.js';
import { h2request } from './h2-harness.js';

const IP_RESTRICTION = fileURLToPath(new URL('../../../filters/build/ip-restriction.wasm', import.meta.url));

function config(up: Upstream, c: Certs): Record<string, unknown> {
  return {
    listeners: [{
      name: 'tls',
      address: '127.0.0.1:0',
      route_config: 'rc',
      tls: {
        cert_file: c.crt('a'), key_file: c.key('a'),
        client_ca_file: `${c.dir}/ca.crt`, client_certificate: 'optional', forward_client_cert: 'sanitize_set',
      },
      network_filters: [{ name: 'ip', wasm: { file: IP_RESTRICTION, root_id: 'ip-restriction-network', configuration: { allow: ['127.0.0.1'] } } }],
    }],
    route_configs: [{ name: 'rc', virtual_hosts: [{ name: 'all', domains: ['*'], routes: [{ match: { prefix: '/' }, route: { cluster: 'b' } }] }] }],
    clusters: [{ name: 'b', endpoints: [{ address: up.address }] }],
  };
}

function assertFacts(headers: Upstream['seen'][number]['headers']): void {
  assert.equal(headers['x-forwarded-proto'], 'https');
  assert.equal(headers['x-forwarded-for'], '127.0.0.1');
  assert.match(String(headers['x-forwarded-client-cert']), /^Hash=[0-9a-f]{64};Subject="CN=client,O=Sluice";/);
}

test('HTTP/1.1 over TLS behind a network filter: the upstream sees https, the client address and its certificate', async (t) => {
  const c = makeCerts(t);
  const up = await startUpstream(t);
  const { port } = await startGateway(t, config(up, c));
  const status = await new Promise<number>((resolve, reject) => {
    const req = httpsRequest({
      host: '127.0.0.1', port, path: '/h1', servername: 'a.test', ca: c.ca, cert: c.read('client.crt'), key: c.read('client.key'),
      agent: false,
    }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
  assert.equal(status, 200);
  assertFacts(up.seen.at(-1)!.headers);
});

test('h2 over TLS behind a network filter: the upstream sees https, the client address and its certificate', async (t) => {
  const c = makeCerts(t);
  const up = await startUpstream(t);
  const { port } = await startGateway(t, config(up, c));
  const session = h2connect(`https://127.0.0.1:${port}`, { ca: c.ca, servername: 'a.test', cert: c.read('client.crt'), key: c.read('client.key') });
  session.on('error', () => {});
  t.after(() => session.destroy());
  const r = await h2request(session, { ':path': '/h2' });
  assert.equal(r.headers[':status'], 200);
  assertFacts(up.seen.at(-1)!.headers);
});
