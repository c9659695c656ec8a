/**
 * tcp_proxy's upstream side: the cluster's round robin across endpoints, its connect_timeout,
 * and the upstream close reported to a wasm network filter (proxy_on_upstream_connection_close).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { TestContext } from 'node:test';
import { startGateway } from '../gateway/harness.js';
import { startEcho, tcpConfig } from './servers.js';
import { roundTrip } from './tcp-client.js';

const NET_FILTER = fileURLToPath(new URL('../wasm/net_filter.wasm', import.meta.url));

/**
 * A port whose accept queue is full: a child process listens with backlog 1 and blocks its
 * event loop (never accepts); two connections fill the queue, so later SYNs are dropped and a
 * connect can only time out.
 */
async function blackholePort(t: TestContext): Promise<number> {
  const script = "const s=require('net').createServer().listen({port:0,host:'127.0.0.1',backlog:1},()=>{" +
    "console.log(s.address().port);Atomics.wait(new Int32Array(new SharedArrayBuffer(4)),0,0,60000)})";
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'ignore'] });
  t.after(() => child.kill());
  const [line] = (await once(child.stdout!, 'data')) as [Buffer];
  const port = Number(line.toString().trim());
  const fillers: Socket[] = [];
  t.after(() => fillers.forEach((f) => f.destroy()));
  for (let i = 0; i < 2; i++) {
    const f = connect({ port, host: '127.0.0.1' });
    f.on('error', () => {});
    fillers.push(f);
    await once(f, 'connect');
  }
  return port;
}

test('tcp_proxy round robin alternates between the cluster endpoints', async (t) => {
  const one = await startEcho(t, '1:');
  const two = await startEcho(t, '2:');
  const { port } = await startGateway(t, {
    listeners: [{ name: 'l4', address: '127.0.0.1:0', tcp_proxy: { cluster: 'pair' } }],
    clusters: [{ name: 'pair', lb_policy: 'round_robin', endpoints: [{ address: one.address }, { address: two.address }] }],
  });
  const replies: string[] = [];
  for (let i = 0; i < 4; i++) replies.push((await roundTrip(port, 'x', 3)).slice(0, 2));
  for (let i = 1; i < replies.length; i++) assert.notEqual(replies[i], replies[i - 1], `alternates: ${replies.join(' ')}`);
  assert.equal(one.received.length, 2);
  assert.equal(two.received.length, 2);
});

test('tcp_proxy gives up on an upstream that does not accept after the cluster connect_timeout', { timeout: 20_000 }, async (t) => {
  const port = await blackholePort(t);
  const { gw, port: gwPort } = await startGateway(t, {
    listeners: [{ name: 'l4', address: '127.0.0.1:0', tcp_proxy: { cluster: 'hole' } }],
    clusters: [{ name: 'hole', connect_timeout: '200ms', endpoints: [{ address: `127.0.0.1:${port}` }] }],
  });
  // The cluster's 200ms, not the kernel's SYN retries (minutes), ends the attempt.
  assert.equal(await roundTrip(gwPort, 'x', 1), '');
  assert.match(await gw.registry.metrics(), /sluice_tcp_proxy_connect_failures_total\{listener="l4",cluster="hole"\} 1/);
});

test('an upstream that closes is reported to the wasm filter as a remote upstream close', async (t) => {
  const echo = await startEcho(t);
  const { port, logs } = await startGateway(t, tcpConfig({
    filter_chains: [{ network_filters: [{ name: 'net', wasm: { file: NET_FILTER, configuration: 'upper' } }], tcp_proxy: { cluster: 'echo' } }],
  }, [{ name: 'echo', address: echo.address }]));
  const s = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
  s.on('error', () => {});
  let got = '';
  s.on('data', (d: Buffer) => (got += d.toString()));
  s.write('hi');
  // Our FIN makes the echo server answer "bye" and close its side.
  s.end();
  await once(s, 'close');
  assert.ok(got.includes('bye'), got);
  assert.ok(logs.some((l) => l.includes('close upstream 2')), logs.join('\n'));
});
