/**
 * gRPC through the gateway with @grpc/grpc-js on both ends (a real client and server, not our
 * own framing): a unary call, a bidirectional stream, and a wasm filter that rejects some calls
 * with a gRPC status the client sees as a proper ServiceError.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { startGateway } from '../gateway/harness.js';

const PROTO = `syntax = "proto3";
package demo;
service Greeter {
  rpc Hello (Req) returns (Rep);
  rpc Chat (stream Req) returns (stream Rep);
  rpc DenyHello (Req) returns (Rep);
}
message Req { string name = 1; }
message Rep { string message = 1; }
`;
const DENY_WASM = fileURLToPath(new URL('../wasm/grpc_deny.wasm', import.meta.url));

type Ctor = new (addr: string, creds: grpc.ChannelCredentials) => grpc.Client & Record<string, Function>;

function loadGreeter(t: import('node:test').TestContext): { service: grpc.ServiceDefinition; Client: Ctor } {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-grpc-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'demo.proto');
  writeFileSync(file, PROTO);
  const pkg = grpc.loadPackageDefinition(protoLoader.loadSync(file)) as unknown as { demo: { Greeter: Ctor & { service: grpc.ServiceDefinition } } };
  return { service: pkg.demo.Greeter.service, Client: pkg.demo.Greeter };
}

async function startServer(t: import('node:test').TestContext, service: grpc.ServiceDefinition): Promise<number> {
  const server = new grpc.Server();
  server.addService(service, {
    Hello: (call: grpc.ServerUnaryCall<{ name: string }, unknown>, cb: grpc.sendUnaryData<unknown>) =>
      cb(null, { message: `hello ${call.request.name}` }),
    DenyHello: (_call: unknown, cb: grpc.sendUnaryData<unknown>) => cb(null, { message: 'must not get here' }),
    Chat: (call: grpc.ServerDuplexStream<{ name: string }, unknown>) => {
      call.on('data', (m: { name: string }) => call.write({ message: `echo ${m.name}` }));
      call.on('end', () => call.end());
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
  t.after(() => new Promise<void>((r) => server.tryShutdown(() => r())));
  return port;
}

async function setup(t: import('node:test').TestContext): Promise<InstanceType<Ctor>> {
  const { service, Client } = loadGreeter(t);
  const upstream = await startServer(t, service);
  const { port } = await startGateway(t, {
    listeners: [{
      name: 'grpc', address: '127.0.0.1:0', route_config: 'rc',
      http_filters: [{ name: 'deny', wasm: { file: DENY_WASM, root_id: 'deny' } }],
    }],
    route_configs: [{ name: 'rc', virtual_hosts: [{ name: 'all', domains: ['*'], routes: [{ match: { prefix: '/demo.Greeter/' }, route: { cluster: 'greeter' } }] }] }],
    clusters: [{ name: 'greeter', protocol: 'http2', endpoints: [{ address: `127.0.0.1:${upstream}` }] }],
  });
  const client = new Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  t.after(() => client.close());
  return client;
}

test('grpc-js: a unary call goes through the gateway', async (t) => {
  const client = await setup(t);
  const rep = await new Promise<{ message: string }>((resolve, reject) =>
    client.Hello!({ name: 'sluice' }, (err: Error | null, r: { message: string }) => (err ? reject(err) : resolve(r))));
  assert.equal(rep.message, 'hello sluice');
});

test('grpc-js: a bidirectional stream goes through the gateway', async (t) => {
  const client = await setup(t);
  const call = client.Chat!() as grpc.ClientDuplexStream<{ name: string }, { message: string }>;
  const got: string[] = [];
  const done = new Promise<void>((resolve, reject) => {
    call.on('data', (m: { message: string }) => {
      got.push(m.message);
      if (got.length < 3) call.write({ name: `m${got.length + 1}` });
      else call.end();
    });
    call.on('end', () => resolve());
    call.on('error', reject);
  });
  call.write({ name: 'm1' });
  await done;
  assert.deepEqual(got, ['echo m1', 'echo m2', 'echo m3']);
});

test('grpc-js: a wasm filter rejects a call with a gRPC status the client reads', async (t) => {
  const client = await setup(t);
  const err = await new Promise<grpc.ServiceError>((resolve, reject) =>
    client.DenyHello!({ name: 'x' }, (e: grpc.ServiceError | null) => (e ? resolve(e) : reject(new Error('call was not rejected')))));
  assert.equal(err.code, grpc.status.PERMISSION_DENIED, `${err.code} ${err.details}`);
  assert.match(err.details, /denied by policy/);
});
