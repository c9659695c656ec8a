/**
 * Hot loading under traffic: 200 keep-alive clients send requests (with bodies; a tenth of them
 * slow on both sides) while the gateway swaps its filter's module 20 times, reloads its config
 * 20 times (a new route config, cluster and response header each time; a listener added and
 * removed) and is sent a broken module and a broken config. Every request must succeed, and
 * every response must be wholly one filter version (request-phase header == response-phase
 * header) and wholly one config version (the x-config header names the cluster that answered).
 * Bounded: the load stops as soon as the changes are done.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Pool } from 'undici';
import { WasmFilterChain } from '../../host/filter/build.js';
import type { Gateway } from '../../host/gateway.js';
import type { WasmPlugin } from '../../host/wasm/plugin.js';
import { get, Mode, moduleVersion, startEchoUpstream, startReloadGateway, until, versionText } from './helpers.js';

const CLIENTS = 200;
const CHANGES = 20;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapNow(): number {
  for (let i = 0; i < 3; i++) gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/**
 * The plugins (one VM and its WebAssembly.Memory each) serving `gw`'s listeners now. heapUsed and
 * arrayBuffers do not count wasm memories, so the test follows the VMs themselves: each one seen
 * is held weakly, and once released it must become garbage.
 */
function servingPlugins(gw: Gateway): WasmPlugin[] {
  return gw.httpListeners().flatMap((l) => {
    const c = l.snapshot.filterChain;
    return c instanceof WasmFilterChain ? [...c.plugins] : [];
  });
}

/** Collects garbage until every plugin in `refs` but `live` is gone; the ones left. */
async function uncollected(refs: readonly WeakRef<WasmPlugin>[], live: ReadonlySet<WasmPlugin>): Promise<number[]> {
  let left: number[] = [];
  for (let round = 0; round < 50; round++) {
    gc();
    // WeakRefs clear only between jobs.
    await new Promise((r) => setTimeout(r, 20));
    left = refs.flatMap((r, i) => {
      const p = r.deref();
      return p !== undefined && !live.has(p) ? [i] : [];
    });
    if (left.length === 0) break;
  }
  return left;
}

/** Config version `n`: route `/` → cluster c<n> (upstream u<n % 2>), tagged x-config: n; listener `extra` on odd n. */
function configV(n: number, file: string, ups: string[], port: number): Record<string, unknown> {
  const listeners: Record<string, unknown>[] = [{
    name: 'main', address: `127.0.0.1:${port}`, route_config: `rc${n}`,
    http_filters: [{ name: 'ver', wasm: { file, failure_policy: 'fail_closed' } }],
  }];
  if (n % 2 === 1) listeners.push({ name: 'extra', address: '127.0.0.1:0', route_config: `rc${n}` });
  return {
    admin: { address: '127.0.0.1:0' },
    listeners,
    route_configs: [{
      name: `rc${n}`,
      virtual_hosts: [{
        name: 'all', domains: ['*'],
        routes: [{ match: { prefix: '/' }, route: { cluster: `c${n}` }, response_headers_to_add: [{ name: 'x-config', value: String(n) }] }],
      }],
    }],
    clusters: [{ name: `c${n}`, endpoints: [{ address: ups[n % 2]! }] }],
  };
}

test('200 keep-alive clients see no failure and no mixed response across 20 module swaps and 20 config reloads', async (t) => {
  const ups = [await startEchoUpstream(t, 'u0'), await startEchoUpstream(t, 'u1')].map((u) => u.address);
  const dir = mkdtempSync(join(tmpdir(), 'sluice-soak-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'ver.wasm');
  writeFileSync(file, moduleVersion(0));
  const g = await startReloadGateway(t, configV(0, file, ups, 0), { level: 'warn' });
  const port = g.gw.listeners()[0]!.port;
  const pool = new Pool(g.base, { connections: CLIENTS, pipelining: 1, keepAliveTimeout: 30_000 });
  t.after(() => (pool.closed ? undefined : pool.close()));

  const failures: string[] = [];
  const filterVersions = new Set<string>();
  const configVersions = new Set<string>();
  let done = 0;
  let stop = false;
  const body = Buffer.alloc(1024, 'x');
  async function client(id: number): Promise<void> {
    for (let i = 0; !stop; i++) {
      const slow = (id + i) % 10 === 0;
      try {
        const res = await pool.request({
          path: slow ? '/?slow=60' : '/', method: 'POST', headers: { 'content-length': String(body.length) },
          body: slow ? Readable.from((async function* () {
            yield body.subarray(0, 512);
            await new Promise((r) => setTimeout(r, 30));
            yield body.subarray(512);
          })()) : body,
        });
        const text = await res.body.text();
        const req = res.headers['x-echo-version'];
        const resp = res.headers['x-version-resp'];
        const cfg = Number(res.headers['x-config']);
        if (res.statusCode !== 200) failures.push(`status ${res.statusCode}: ${text}`);
        else if (text !== String(body.length)) failures.push(`body ${text}`);
        else if (req !== resp) failures.push(`mixed filter versions: request ${String(req)}, response ${String(resp)}`);
        else if (res.headers['x-upstream'] !== `u${cfg % 2}`) failures.push(`mixed config: x-config ${cfg} from ${String(res.headers['x-upstream'])}`);
        filterVersions.add(String(resp));
        configVersions.add(String(cfg));
        done++;
      } catch (err) {
        failures.push(`request failed: ${(err as Error).message}`);
        await new Promise((r) => setTimeout(r, 10)); // a failing client must not starve the event loop
      }
    }
  }

  // Warm up (every connection opened, VMs and pools in use), then take the memory baseline.
  const warm = Array.from({ length: CLIENTS }, (_, i) => client(i));
  let baseline = 0;
  const seenVms: WeakRef<WasmPlugin>[] = [];
  const track = (): void => {
    for (const p of servingPlugins(g.gw)) seenVms.push(new WeakRef(p));
  };
  try {
    track();
    await until(() => done >= CLIENTS * 2, 20_000);
    baseline = heapNow();
    for (let n = 1; n <= CHANGES; n++) {
      const swap = await get(`${g.admin}/filters/ver`, { method: 'PUT', body: moduleVersion(n) });
      assert.equal(swap.status, 200, swap.body);
      track();
      const reload = await get(`${g.admin}/config`, { method: 'POST', body: JSON.stringify(configV(n, file, ups, port)) });
      assert.equal(reload.status, 200, reload.body);
      track();
      if (n === CHANGES / 2) {
        const badModule = await get(`${g.admin}/filters/ver`, { method: 'PUT', body: moduleVersion(99, Mode.TrapInStart) });
        assert.equal(badModule.status, 422);
        const badConfig = configV(n + 1, file, ups, port);
        (badConfig.route_configs as { virtual_hosts: { routes: { route: { cluster: string } }[] }[] }[])[0]!
          .virtual_hosts[0]!.routes[0]!.route.cluster = 'nowhere';
        const refused = await get(`${g.admin}/config`, { method: 'POST', body: JSON.stringify(badConfig) });
        assert.equal(refused.status, 400);
      }
      await new Promise((r) => setTimeout(r, 40));
    }
    const atEnd = done;
    await until(() => done >= atEnd + CLIENTS, 20_000); // traffic on the final versions
  } finally {
    // Whatever happened, the clients stop (a failed assertion must not leave them running).
    stop = true;
    await Promise.all(warm);
  }

  assert.deepEqual(failures.slice(0, 10), []);
  assert.ok(filterVersions.has(versionText(0)) && filterVersions.has(versionText(CHANGES)), [...filterVersions].join(','));
  assert.ok(!filterVersions.has(versionText(99)));
  assert.ok(configVersions.has('0') && configVersions.has(String(CHANGES)));
  assert.deepEqual(g.gw.listeners().map((l) => l.name), ['main']);

  // Old VMs are released once their last stream ended; memory returns to its baseline.
  await until(() => g.gw.liveVms() === 1, 10_000);
  await pool.close();
  const after = heapNow();
  assert.ok(after < baseline + 16 * 1024 * 1024, `heap+arrayBuffers ${after} vs baseline ${baseline}`);
  // Every released VM, wasm memory included, is garbage: only the serving one is left.
  // The VMs of the start are left out: the listener built at start keeps its first snapshot
  // reachable (host/listener/build.ts closures), a bounded cost of one VM, not one per change.
  const live = new Set(servingPlugins(g.gw));
  assert.equal(live.size, 1);
  const released = seenVms;
  assert.deepEqual(await uncollected(released, live), [], `of ${released.length} VMs seen, these released ones are still reachable`);
  t.diagnostic(`requests: ${done}; heap+arrayBuffers baseline ${(baseline / 1e6).toFixed(1)} MB, after ${(after / 1e6).toFixed(1)} MB`);
});
