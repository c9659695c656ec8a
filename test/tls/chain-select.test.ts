/**
 * Filter chains that terminate TLS and serve HTTP with their own route configs, chosen end to
 * end by the real client's SNI (servername) and ALPN offer.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect as h2connect } from 'node:http2';
import { request as httpsRequest } from 'node:https';
import { startGateway } from '../gateway/harness.js';
import { makeCerts, type Certs } from './certs.js';

function direct(name: string, body: string): Record<string, unknown> {
  return { name, virtual_hosts: [{ name: 'all', domains: ['*'], routes: [{ match: { prefix: '/' }, direct_response: { status: 200, body } }] }] };
}

function listener(chains: Record<string, unknown>[], bodies: Record<string, string>): Record<string, unknown> {
  return {
    listeners: [{ name: 'l', address: '127.0.0.1:0', route_config: 'fallback', filter_chains: chains }],
    route_configs: [direct('fallback', 'fallback'), ...Object.entries(bodies).map(([n, b]) => direct(n, b))],
  };
}

function tlsOf(c: Certs, name: string): Record<string, unknown> {
  return { cert_file: c.crt(name), key_file: c.key(name) };
}

interface ChainSpec {
  name: string;
  match: Record<string, unknown>;
  /** Which test certificate the chain serves (certs.ts names). */
  cert: string;
  /** Body of the chain's own direct-response route config. */
  body: string;
}

/** Fresh certificates and a gateway whose one listener terminates TLS on `chains`, in order. */
async function startChains(t: TestContext, chains: ChainSpec[]): Promise<{ c: Certs; port: number }> {
  const c = makeCerts(t);
  const { port } = await startGateway(t, listener(
    chains.map((ch) => ({ name: ch.name, match: ch.match, tls: tlsOf(c, ch.cert), route_config: `r_${ch.name}` })),
    Object.fromEntries(chains.map((ch) => [`r_${ch.name}`, ch.body])),
  ));
  return { c, port };
}

/** One HTTPS/1.1 GET; the response body. */
function get(port: number, opts: Record<string, unknown>): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest({ host: '127.0.0.1', port, path: '/', agent: false, ...opts }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
    req.end();
  });
}

test('SNI picks the TLS-terminating HTTP chain (its certificate and its route config)', async (t) => {
  const { c, port } = await startChains(t, [
    { name: 'a', match: { server_names: ['a.test'] }, cert: 'a', body: 'chain a' },
    { name: 'b', match: { server_names: ['b.test'] }, cert: 'b', body: 'chain b' },
  ]);
  // Certificates are verified against each name: the chain's own certificate was served.
  assert.equal(await get(port, { servername: 'a.test', ca: c.ca }), 'chain a');
  assert.equal(await get(port, { servername: 'b.test', ca: c.ca }), 'chain b');
});

test('ALPN picks the TLS-terminating HTTP chain: h2 and http/1.1 clients land on different chains', async (t) => {
  const { c, port } = await startChains(t, [
    { name: 'h2', match: { alpn: ['h2'] }, cert: 'a', body: 'over h2' },
    { name: 'h1', match: { alpn: ['http/1.1'] }, cert: 'a', body: 'over h1' },
  ]);
  assert.equal(await get(port, { servername: 'a.test', ca: c.ca, ALPNProtocols: ['http/1.1'] }), 'over h1');
  const session = h2connect(`https://127.0.0.1:${port}`, { servername: 'a.test', ca: c.ca, ALPNProtocols: ['h2'] });
  t.after(() => session.close());
  const req = session.request({ ':path': '/', ':authority': 'a.test' });
  let body = '';
  req.on('data', (d: Buffer) => (body += d.toString()));
  await once(req, 'end');
  assert.equal(body, 'over h2');
});
