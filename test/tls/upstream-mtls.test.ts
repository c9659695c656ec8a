/**
 * Upstream TLS of a cluster: an https origin that requires a client certificate sees the
 * cluster's cert_file (its CN) and the configured SNI, and the gateway verifies the origin
 * against ca_file under that name.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { startGateway } from '../gateway/harness.js';
import { makeCerts } from './certs.js';

test('an upstream requiring a client certificate sees its CN and the configured SNI', async (t) => {
  const c = makeCerts(t);
  const seen: { cn: string; servername: string }[] = [];
  const origin = createServer({ cert: c.read('b.crt'), key: c.read('b.key'), ca: c.ca, requestCert: true, rejectUnauthorized: true }, (req, res) => {
    const s = req.socket as TLSSocket;
    seen.push({ cn: String(s.getPeerCertificate().subject?.CN), servername: String((s as TLSSocket & { servername?: string }).servername) });
    res.end('secure');
  });
  await new Promise<void>((r) => origin.listen(0, '127.0.0.1', r));
  t.after(() => {
    origin.closeAllConnections();
    return new Promise<void>((r) => origin.close(() => r()));
  });
  const { port } = await startGateway(t, {
    listeners: [{ name: 'main', address: '127.0.0.1:0', route_config: 'rc' }],
    route_configs: [{ name: 'rc', virtual_hosts: [{ name: 'all', domains: ['*'], routes: [{ match: { prefix: '/' }, route: { cluster: 'origin' } }] }] }],
    clusters: [{
      name: 'origin', endpoints: [{ address: `127.0.0.1:${(origin.address() as AddressInfo).port}` }],
      tls: { sni: 'b.test', ca_file: `${c.dir}/ca.crt`, cert_file: c.crt('client'), key_file: c.key('client') },
    }],
  });
  const r = await fetch(`http://127.0.0.1:${port}/`);
  assert.equal(r.status, 200);
  assert.equal(await r.text(), 'secure');
  assert.deepEqual(seen, [{ cn: 'client', servername: 'b.test' }]);
});
