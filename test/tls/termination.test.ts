/**
 * TLS termination on a listener: certificates chosen by SNI (exact and wildcard, default the
 * first), ALPN, min_version, client certificates (required / optional) with the
 * x-forwarded-client-cert header upstream, and certificate reload when the files change (a
 * connection opened before it keeps serving requests).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpsRequest } from 'node:https';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { once } from 'node:events';
import { startGateway, startUpstream, type Upstream } from '../gateway/harness.js';
import { makeCerts, type Certs } from './certs.js';

function config(up: Upstream, tls: Record<string, unknown>): Record<string, unknown> {
  return {
    listeners: [{ name: 'tls', address: '127.0.0.1:0', route_config: 'rc', tls }],
    route_configs: [{ name: 'rc', virtual_hosts: [{ name: 'all', domains: ['*'], routes: [{ match: { prefix: '/' }, route: { cluster: 'b' } }] }] }],
    clusters: [{ name: 'b', endpoints: [{ address: up.address }] }],
  };
}

function multiCert(c: Certs): Record<string, unknown> {
  return {
    certificates: [
      { cert_file: c.crt('a'), key_file: c.key('a') },
      { cert_file: c.crt('b'), key_file: c.key('b') },
      { cert_file: c.crt('wild'), key_file: c.key('wild') },
    ],
  };
}

/** Handshakes and resolves with the socket (or rejects with the TLS error). */
async function handshake(port: number, opts: ConnectionOptions): Promise<TLSSocket> {
  const s = tlsConnect({ host: '127.0.0.1', port, ...opts });
  await once(s, 'secureConnect');
  return s;
}

/** One keep-alive HTTP/1.1 GET written on `s`; the raw response (read up to the upstream's body). */
function requestOn(s: TLSSocket): Promise<string> {
  return new Promise((resolve) => {
    let got = '';
    const onData = (d: Buffer): void => {
      got += d.toString();
      // Content-Length or chunked: either way the body ends the response.
      if (got.endsWith('ok from up') || (got.includes('ok from up') && got.endsWith('0\r\n\r\n'))) done();
    };
    const done = (): void => {
      s.off('data', onData);
      s.off('close', done);
      resolve(got);
    };
    s.on('data', onData);
    s.once('close', done);
    s.write('GET / HTTP/1.1\r\nhost: a.test\r\n\r\n');
  });
}

function peerCn(s: TLSSocket): string {
  return /CN=([^\n]+)/.exec(s.getPeerX509Certificate()!.subject)![1]!;
}

/** One HTTPS GET; the response status and body. */
function get(port: number, opts: Record<string, unknown>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest({ host: '127.0.0.1', port, path: '/', agent: false, ...opts }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

test('each SNI name gets its certificate; wildcard and default apply', async (t) => {
  const c = makeCerts(t);
  const up = await startUpstream(t);
  const { port } = await startGateway(t, config(up, multiCert(c)));
  for (const [servername, cn] of [['a.test', 'a.test'], ['b.test', 'b.test'], ['x.wild.test', '*.wild.test'], ['other.test', 'a.test']] as const) {
    const s = await handshake(port, { servername, ca: c.ca, rejectUnauthorized: false });
    assert.equal(peerCn(s), cn, servername);
    s.destroy();
  }
});

test('HTTPS requests through a terminating listener reach the upstream', async (t) => {
  const c = makeCerts(t);
  const up = await startUpstream(t);
  const { port } = await startGateway(t, config(up, multiCert(c)));
  const r = await get(port, { servername: 'b.test', ca: c.ca, headers: { host: 'b.test' } });
  assert.equal(r.status, 200);
  assert.equal(r.body, 'ok from up');
  assert.equal(up.seen[0]!.headers['x-forwarded-proto'], 'https');
});

test('ALPN negotiates h2 or http/1.1 from what the client offers', async (t) => {
  const c = makeCerts(t);
  const up = await startUpstream(t);
  const { port } = await startGateway(t, config(up, multiCert(c)));
  const h2 = await handshake(port, { servername: 'a.test', ca: c.ca, ALPNProtocols: ['h2', 'http/1.1'] });
  assert.equal(h2.alpnProtocol, 'h2');
  h2.destroy();
  const h1 = await handshake(port, { servername: 'a.test', ca: c.ca, ALPNProtocols: ['http/1.1'] });
  assert.equal(h1.alpnProtocol, 'http/1.1');
  h1.destroy();
});

test('min_version TLSv1.3 refuses a TLS 1.2 client', async (t) => {
  const c = makeCerts(t);
  const up = await startUpstream(t);
  const { port } = await startGateway(t, config(up, { ...multiCert(c), min_version: 'TLSv1.3' }));
  await assert.rejects(handshake(port, { servername: 'a.test', ca: c.ca, maxVersion: 'TLSv1.2' }));
  const ok = await handshake(port, { servername: 'a.test', ca: c.ca });
  assert.equal(ok.getProtocol(), 'TLSv1.3');
  ok.destroy();
});

test('client_certificate required: no certificate fails, a good one passes and is forwarded as XFCC', async (t) => {
  const c = makeCerts(t);
  const up = await startUpstream(t);
  const tls = { ...multiCert(c), client_ca_file: `${c.dir}/ca.crt`, client_certificate: 'required', forward_client_cert: 'sanitize_set' };
  const { port } = await startGateway(t, config(up, tls));
  await assert.rejects(get(port, { servername: 'a.test', ca: c.ca }));
  const r = await get(port, {
    servername: 'a.test', ca: c.ca, cert: c.read('client.crt'), key: c.read('client.key'),
    headers: { 'x-forwarded-client-cert': 'Hash=forged' },
  });
  assert.equal(r.status, 200);
  const xfcc = String(up.seen.at(-1)!.headers['x-forwarded-client-cert']);
  assert.match(xfcc, /^Hash=[0-9a-f]{64};Subject="CN=client,O=Sluice";URI=spiffe:\/\/test\/client;DNS=client\.test$/);
});

test('client_certificate optional: both without and with a certificate pass', async (t) => {
  const c = makeCerts(t);
  const up = await startUpstream(t);
  const tls = { ...multiCert(c), client_ca_file: `${c.dir}/ca.crt`, client_certificate: 'optional', forward_client_cert: 'sanitize_set' };
  const { port } = await startGateway(t, config(up, tls));
  assert.equal((await get(port, { servername: 'a.test', ca: c.ca })).status, 200);
  assert.equal(up.seen.at(-1)!.headers['x-forwarded-client-cert'], undefined);
  assert.equal((await get(port, { servername: 'a.test', ca: c.ca, cert: c.read('client.crt'), key: c.read('client.key') })).status, 200);
  assert.match(String(up.seen.at(-1)!.headers['x-forwarded-client-cert']), /^Hash=/);
});

test('rewritten certificate files are picked up by new handshakes; a bad file keeps the old one', async (t) => {
  const c = makeCerts(t);
  const up = await startUpstream(t);
  const { gw, port } = await startGateway(t, config(up, { cert_file: c.crt('a'), key_file: c.key('a') }));
  const first = await handshake(port, { servername: 'a.test', ca: c.ca });
  assert.equal(peerCn(first), 'a.test');
  assert.match(await requestOn(first), /^HTTP\/1\.1 200[^]*ok from up/);
  c.issue('a', 'a.test v2', 'DNS:a.test');
  let cn = '';
  for (let i = 0; i < 50 && cn !== 'a.test v2'; i++) {
    await new Promise((r) => setTimeout(r, 100));
    const s = await handshake(port, { servername: 'a.test', ca: c.ca });
    cn = peerCn(s);
    s.destroy();
  }
  assert.equal(cn, 'a.test v2');
  // The connection made before the reload still serves requests.
  assert.match(await requestOn(first), /^HTTP\/1\.1 200[^]*ok from up/);
  first.destroy();
  // A broken certificate file: the v2 certificate keeps serving.
  const { writeFileSync } = await import('node:fs');
  writeFileSync(c.crt('a'), 'not a certificate');
  await new Promise((r) => setTimeout(r, 400));
  const s = await handshake(port, { servername: 'a.test', ca: c.ca });
  assert.equal(peerCn(s), 'a.test v2');
  s.destroy();
  void gw;
});

test('an HTTP/2 client over TLS (ALPN h2) is served by the HTTP/2 codec', async (t) => {
  const c = makeCerts(t);
  const up = await startUpstream(t);
  const { port } = await startGateway(t, config(up, multiCert(c)));
  const { connect: h2connect } = await import('node:http2');
  const session = h2connect(`https://127.0.0.1:${port}`, { servername: 'a.test', ca: c.ca });
  t.after(() => session.close());
  const req = session.request({ ':path': '/', ':authority': 'a.test' });
  const [headers] = (await once(req, 'response')) as [Record<string, unknown>];
  let body = '';
  req.on('data', (d: Buffer) => (body += d.toString()));
  await once(req, 'end');
  assert.equal(headers[':status'], 200);
  assert.equal(body, 'ok from up');
});
