import { strict as assert } from 'node:assert';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseConfigText } from '../../host/config/load.js';
import { Gateway } from '../../host/gateway.js';
import { createLogger } from '../../host/observability/logger.js';

test('a request through the gateway is written to the access log file with every field', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-access-gw-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'access.log');
  const upstream = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.end('hello world'));
  });
  upstream.listen(0, '127.0.0.1');
  await once(upstream, 'listening');
  t.after(() => {
    upstream.closeAllConnections();
    upstream.close();
  });
  const upPort = (upstream.address() as AddressInfo).port;
  const loaded = parseConfigText(
    `access_log: { path: ${JSON.stringify(file)} }
listeners:
  - { name: public, address: "127.0.0.1:0", route_config: main }
route_configs:
  - name: main
    virtual_hosts:
      - name: all
        domains: ["*"]
        routes:
          - name: api
            match: { prefix: /api }
            route: { cluster: backend }
clusters:
  - { name: backend, endpoints: [{ address: "127.0.0.1:${upPort}" }] }
`,
    { format: 'yaml', baseDir: dir },
  );
  const gateway = await Gateway.start(loaded, { log: createLogger({ write: () => {} }) });
  let stopped = false;
  t.after(() => (stopped ? undefined : gateway.stop({ drainTimeoutMs: 0 })));
  const port = gateway.listeners()[0]!.port;

  const res = await fetch(`http://127.0.0.1:${port}/api/items?x=1`, {
    method: 'POST',
    body: 'twelve bytes',
    headers: { 'x-request-id': 'req-abc' },
  });
  assert.equal(await res.text(), 'hello world');
  // Closing the gateway closes the access log, which flushes it.
  await gateway.stop();
  stopped = true;

  const lines = (await readFile(file, 'utf8')).trimEnd().split('\n');
  assert.equal(lines.length, 1);
  const entry = JSON.parse(lines[0]!) as Record<string, unknown>;
  assert.match(String(entry.time), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.equal(typeof entry.duration_ms, 'number');
  assert.match(String(entry.downstream_remote_address), /^127\.0\.0\.1:\d+$/);
  const { time: _t, duration_ms: _d, downstream_remote_address: _a, ...rest } = entry;
  assert.deepEqual(rest, {
    method: 'POST',
    path: '/api/items?x=1',
    protocol: 'HTTP/1.1',
    status: 200,
    upstream_host: `127.0.0.1:${upPort}`,
    upstream_cluster: 'backend',
    route: 'api',
    bytes_received: 12,
    bytes_sent: 11,
    response_flags: '-',
    response_code_details: null,
    request_id: 'req-abc',
    authority: `127.0.0.1:${port}`,
  });
});
