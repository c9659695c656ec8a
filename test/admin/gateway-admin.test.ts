import { strict as assert } from 'node:assert';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, type TestContext } from 'node:test';
import { parseConfigText } from '../../host/config/load.js';
import { Gateway } from '../../host/gateway.js';
import { createLogger } from '../../host/observability/logger.js';

/** A port nothing listens on (bound, then released), for connect failures. */
async function closedPort(): Promise<number> {
  const s = createServer();
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

async function startGateway(t: TestContext): Promise<{ gw: string; admin: string; gateway: Gateway }> {
  const upstream = createServer((req, res) => {
    req.resume();
    res.end('hi');
  });
  upstream.listen(0, '127.0.0.1');
  await once(upstream, 'listening');
  t.after(() => {
    upstream.closeAllConnections();
    upstream.close();
  });
  const upPort = (upstream.address() as AddressInfo).port;
  const deadPort = await closedPort();
  const loaded = parseConfigText(
    `admin: { address: "127.0.0.1:0" }
listeners:
  - { name: public, address: "127.0.0.1:0", route_config: main }
route_configs:
  - name: main
    virtual_hosts:
      - name: all
        domains: ["*"]
        routes:
          - match: { prefix: /dead }
            route:
              cluster: dead
              retry_policy: { retry_on: connect-failure, num_retries: 1 }
          - match: { prefix: /ok }
            route: { cluster: backend }
clusters:
  - { name: backend, endpoints: [{ address: "127.0.0.1:${upPort}" }] }
  - { name: dead, endpoints: [{ address: "127.0.0.1:${deadPort}" }] }
`,
    { format: 'yaml', baseDir: process.cwd() },
  );
  const gateway = await Gateway.start(loaded, { log: createLogger({ write: () => {} }) });
  t.after(() => gateway.stop({ drainTimeoutMs: 0 }));
  const port = gateway.listeners()[0]!.port;
  assert.ok(gateway.admin);
  return { gw: `http://127.0.0.1:${port}`, admin: `http://127.0.0.1:${gateway.admin.port}`, gateway };
}

function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(series + ' '));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

async function get(url: string): Promise<number> {
  const res = await fetch(url);
  await res.arrayBuffer();
  return res.status;
}

test('metrics counters move after requests through the gateway', async (t) => {
  const { gw, admin } = await startGateway(t);
  assert.equal(await get(`${gw}/ok/1`), 200);
  assert.equal(await get(`${gw}/ok/2`), 200);
  assert.equal(await get(`${gw}/none`), 404);
  assert.equal(await get(`${gw}/dead`), 503);
  const res = await fetch(`${admin}/stats/prometheus`);
  assert.equal(res.status, 200);
  const text = await res.text();
  assert.equal(sample(text, 'sluice_downstream_requests_total{listener="public",status_class="2xx"}'), 2);
  assert.equal(sample(text, 'sluice_downstream_requests_total{listener="public",status_class="4xx"}'), 1);
  assert.equal(sample(text, 'sluice_downstream_requests_total{listener="public",status_class="5xx"}'), 1);
  assert.equal(sample(text, 'sluice_downstream_request_duration_seconds_count{listener="public"}'), 4);
  assert.equal(sample(text, 'sluice_upstream_requests_total{cluster="backend",status="200"}'), 2);
  assert.equal(sample(text, 'sluice_upstream_requests_total{cluster="dead",status="0"}'), 2);
  assert.equal(sample(text, 'sluice_upstream_retries_total{cluster="dead"}'), 1);
  assert.equal(sample(text, 'sluice_upstream_request_duration_seconds_count{cluster="backend"}'), 2);
});

test('/stats/prometheus samples open upstream connections per cluster', async (t) => {
  const { gw, admin } = await startGateway(t);
  assert.equal(await get(`${gw}/ok/1`), 200);
  assert.equal(await get(`${gw}/ok/2`), 200);
  const text = await (await fetch(`${admin}/stats/prometheus`)).text();
  // Sequential requests reuse one keep-alive connection; the dead cluster never connected.
  assert.equal(sample(text, 'sluice_upstream_connections{cluster="backend"}'), 1);
  assert.equal(sample(text, 'sluice_upstream_connections{cluster="dead"}'), 0);
});

test('the gateway serves /ready, /config_dump and /clusters on its admin address', async (t) => {
  const { admin, gateway } = await startGateway(t);
  const ready = await fetch(`${admin}/ready`);
  assert.equal(ready.status, 200);
  assert.equal(await ready.text(), 'LIVE\n');
  const dump = (await (await fetch(`${admin}/config_dump`)).json()) as { version: { hash: string }; config: { listeners: unknown[] } };
  assert.equal(dump.version.hash, gateway.loaded.hash);
  assert.equal(dump.config.listeners.length, 1);
  const clusters = await fetch(`${admin}/clusters`);
  assert.equal(clusters.status, 200);
  assert.equal(clusters.headers.get('content-type'), 'application/json; charset=utf-8');
  assert.match(await clusters.text(), /"backend"/);
});
