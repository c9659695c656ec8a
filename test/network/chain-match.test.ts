/**
 * Filter-chain selection (Envoy's order) and the ClientHello reader, on a real ClientHello
 * captured from node's TLS client.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { FilterChainMatchConfig } from '../../host/config/types.js';
import { selectChain } from '../../host/listener/chain-match.js';
import { parseClientHello } from '../../host/tls/client-hello.js';

const chain = (name: string, match?: FilterChainMatchConfig) => ({ name, match });
const hello = (serverName: string, alpn: string[] = [], tls = true) => ({ tls, serverName, alpn });

test('the most specific server name wins, then ALPN; unmatched criteria exclude a chain', () => {
  const chains = [
    chain('any'),
    chain('wild', { server_names: ['*.example.test'] }),
    chain('deep', { server_names: ['*.api.example.test'] }),
    chain('exact', { server_names: ['api.example.test'] }),
    chain('exact-h2', { server_names: ['api.example.test'], alpn: ['h2'] }),
    chain('raw', { transport_protocol: 'raw_buffer' }),
  ];
  assert.equal(selectChain(chains, hello('api.example.test'))!.name, 'exact');
  assert.equal(selectChain(chains, hello('api.example.test', ['h2', 'http/1.1']))!.name, 'exact-h2');
  assert.equal(selectChain(chains, hello('v1.api.example.test'))!.name, 'deep');
  assert.equal(selectChain(chains, hello('www.example.test'))!.name, 'wild');
  assert.equal(selectChain(chains, hello('other.test'))!.name, 'any');
  assert.equal(selectChain(chains, hello('', [], false))!.name, 'raw');
  assert.equal(selectChain([chain('only', { server_names: ['a.test'] })], hello('b.test')), undefined);
});

test('parseClientHello reads SNI and ALPN from a real ClientHello, and says raw for cleartext', async (t) => {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => server.close());
  const got = once(server, 'connection');
  const client = tlsConnect({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, servername: 'Api.Example.Test', ALPNProtocols: ['h2', 'http/1.1'] });
  client.on('error', () => {});
  t.after(() => client.destroy());
  const [sock] = (await got) as [import('node:net').Socket];
  const [first] = (await once(sock, 'data')) as [Buffer];
  sock.destroy();
  assert.deepEqual(parseClientHello(first.subarray(0, 3)), { kind: 'more' });
  assert.deepEqual(parseClientHello(first), { kind: 'tls', serverName: 'api.example.test', alpn: ['h2', 'http/1.1'] });
  assert.deepEqual(parseClientHello(Buffer.from('GET / HTTP/1.1\r\n')), { kind: 'raw' });
});
