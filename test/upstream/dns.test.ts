import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createClusterManager } from '../../host/upstream/cluster-manager.js';
import type { Pool } from 'undici';
import type { Cluster } from '../../host/upstream/contract.js';
import { captureLogger, fetchVia, startUpstream } from './upstream-servers.js';

/** Waits (bounded) until `cond` holds; fails the test otherwise. */
async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(cond(), `timed out waiting for ${what}`);
}

const ips = (c: Cluster): string[] => c.endpoints().map((e) => e.ip);

test('a localhost endpoint is resolved and serves', async (t) => {
  const up = await startUpstream(t, 'local');
  const mgr = await createClusterManager([{ name: 'dns', endpoints: [{ address: `localhost:${up.port}`, weight: 2 }] }], { log: captureLogger().log });
  t.after(() => mgr.close());
  const c = mgr.get('dns')!;
  const v4 = c.endpoints().find((e) => e.ip === '127.0.0.1');
  assert.ok(v4, `localhost resolved to ${ips(c).join(', ')}`);
  for (const ep of c.endpoints()) {
    assert.equal(ep.address, `localhost:${up.port}`);
    assert.equal(ep.weight, 2);
  }
  assert.equal(v4.origin, `http://127.0.0.1:${up.port}`);
  assert.equal(await fetchVia(v4), 'local');
});

test('a changed DNS answer changes the endpoint set at the next refresh', async (t) => {
  let answer = ['127.0.0.1'];
  const mgr = await createClusterManager(
    [{ name: 'dns', dns_refresh_rate: '10ms', endpoints: [{ address: 'backend.test:8080' }, { address: '127.0.0.9:8080' }] }],
    { log: captureLogger().log, resolve: async () => answer },
  );
  t.after(() => mgr.close());
  const c = mgr.get('dns')!;
  assert.deepEqual(ips(c), ['127.0.0.1', '127.0.0.9']);
  const kept = c.endpoints()[0]!;
  answer = ['127.0.0.3', '127.0.0.1', '127.0.0.2'];
  await until(() => c.endpoints().length === 4, 'new addresses');
  assert.deepEqual(ips(c), ['127.0.0.1', '127.0.0.2', '127.0.0.3', '127.0.0.9']);
  assert.equal(c.endpoints()[0], kept, 'an address that stays keeps its endpoint and pool');
});

test('an endpoint dropped by DNS finishes its in-flight request before its pool closes', async (t) => {
  const held: (() => void)[] = [];
  const up = await startUpstream(t, 'old', (release) => held.push(release));
  let answer = ['127.0.0.1'];
  const mgr = await createClusterManager(
    [{ name: 'dns', dns_refresh_rate: '10ms', endpoints: [{ address: `old.test:${up.port}` }] }],
    { log: captureLogger().log, resolve: async () => answer },
  );
  t.after(() => mgr.close());
  const c = mgr.get('dns')!;
  const old = c.chooseEndpoint(undefined)!;
  const inflight = fetchVia(old);
  await until(() => held.length === 1, 'request to reach the server');
  answer = ['127.0.0.2'];
  await until(() => ips(c)[0] === '127.0.0.2', 'DNS change');
  assert.equal((old.dispatcher as Pool).destroyed, false);
  held[0]!();
  assert.equal(await inflight, 'old');
  await until(() => (old.dispatcher as Pool).destroyed, 'old pool to close');
});

test('a failed re-resolution keeps the last addresses and warns', async (t) => {
  let fail = false;
  const { log, lines } = captureLogger();
  const mgr = await createClusterManager(
    [{ name: 'dns', dns_refresh_rate: '10ms', endpoints: [{ address: 'flaky.test:80' }] }],
    { log, resolve: async () => { if (fail) throw new Error('SERVFAIL'); return ['127.0.0.5']; } },
  );
  t.after(() => mgr.close());
  fail = true;
  await until(() => lines.some((l) => l.level === 'warn' && l.host === 'flaky.test'), 'warning');
  assert.deepEqual(ips(mgr.get('dns')!), ['127.0.0.5']);
});

test('a hostname that does not resolve at start leaves the cluster empty, then fills it when it resolves', async (t) => {
  let up = false;
  const { log, lines } = captureLogger();
  const mgr = await createClusterManager(
    [{ name: 'dns', dns_refresh_rate: '10ms', endpoints: [{ address: 'later.test:80' }] }],
    { log, resolve: async () => { if (!up) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' }); return ['127.0.0.6']; } },
  );
  t.after(() => mgr.close());
  const c = mgr.get('dns')!;
  assert.equal(c.chooseEndpoint(undefined), null);
  assert.ok(lines.some((l) => l.level === 'warn' && l.cluster === 'dns' && l.host === 'later.test'));
  up = true;
  await until(() => c.chooseEndpoint(undefined) !== null, 'endpoint after resolution');
  assert.equal(c.chooseEndpoint(undefined)!.ip, '127.0.0.6');
});

test('close stops DNS refresh', async () => {
  let calls = 0;
  const mgr = await createClusterManager(
    [{ name: 'dns', dns_refresh_rate: '10ms', endpoints: [{ address: 'stop.test:80' }] }],
    { log: captureLogger().log, resolve: async () => { calls++; return ['127.0.0.7']; } },
  );
  await until(() => calls >= 2, 'a refresh');
  await mgr.close();
  const after = calls;
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(calls, after);
  assert.equal(mgr.get('dns')!.endpoints().length, 0);
});
