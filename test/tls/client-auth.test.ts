/**
 * Handshake policy of a terminating listener: the `ciphers` list (TLS 1.2) refuses a client
 * offering none of them, and a client certificate from a CA other than client_ca_file is
 * refused whether client certificates are optional or required.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { startGateway } from '../gateway/harness.js';
import { makeCerts } from './certs.js';

function config(tls: Record<string, unknown>): Record<string, unknown> {
  return {
    listeners: [{ name: 'tls', address: '127.0.0.1:0', route_config: 'rc', tls }],
    route_configs: [{ name: 'rc', virtual_hosts: [{ name: 'all', domains: ['*'], routes: [{ match: { prefix: '/' }, direct_response: { status: 200, body: 'ok' } }] }] }],
  };
}

/**
 * Handshakes, sends one request and resolves with the response text ('' when the server closed
 * without answering: a TLS 1.3 server rejects a client certificate after the client's handshake
 * completed). Rejects when the handshake itself fails.
 */
async function exchange(port: number, opts: ConnectionOptions): Promise<string> {
  const s = tlsConnect({ host: '127.0.0.1', port, servername: 'a.test', ...opts });
  await once(s, 'secureConnect');
  s.on('error', () => {});
  let got = '';
  s.on('data', (d: Buffer) => (got += d.toString()));
  s.write('GET / HTTP/1.1\r\nhost: a.test\r\nconnection: close\r\n\r\n');
  await once(s, 'close');
  return got;
}

test('ciphers: a TLS 1.2 client offering only other ciphers is refused; a listed one is served', async (t) => {
  const c = makeCerts(t);
  const { port } = await startGateway(t, config({ cert_file: c.crt('a'), key_file: c.key('a'), ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256' }));
  const tls12 = { ca: c.ca, maxVersion: 'TLSv1.2' as const };
  await assert.rejects(exchange(port, { ...tls12, ciphers: 'ECDHE-ECDSA-AES256-GCM-SHA384' }));
  assert.match(await exchange(port, { ...tls12, ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256' }), /^HTTP\/1\.1 200/);
});

for (const mode of ['optional', 'required'] as const) {
  test(`client_certificate ${mode}: a certificate from an untrusted CA is refused`, async (t) => {
    const c = makeCerts(t);
    c.issueUntrusted('rogue', 'rogue.test');
    const { port } = await startGateway(t, config({
      cert_file: c.crt('a'), key_file: c.key('a'), client_ca_file: `${c.dir}/ca.crt`, client_certificate: mode,
    }));
    const rogue = { ca: c.ca, cert: c.read('rogue.crt'), key: c.read('rogue.key') };
    const answer = await exchange(port, rogue).catch(() => '');
    assert.equal(answer, '', 'no response for an untrusted client certificate');
    // The trusted client certificate is served on the same listener.
    assert.match(await exchange(port, { ca: c.ca, cert: c.read('client.crt'), key: c.read('client.key') }), /^HTTP\/1\.1 200/);
  });
}
