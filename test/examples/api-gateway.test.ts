// examples/api-gateway: the README's steps, asserted through a real Gateway built from the
// example's own sluice.yaml (addresses moved to port 0) in front of its own services.mjs.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { request, type IncomingHttpHeaders } from 'node:http';
import { dirname, join } from 'node:path';
import { readFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse } from 'yaml';
import { parseConfigText } from '../../host/config/load.js';
import { Gateway } from '../../host/gateway.js';
import { createLogger } from '../../host/observability/logger.js';

// This file runs from dist/test/examples/; the example lives at the repo root.
const EXAMPLE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'examples', 'api-gateway');

/** What services.mjs exports (plain JS, so typed here). */
interface Services {
  catalogPort: number;
  ordersPort: number;
  close(): Promise<void>;
}
interface ServicesModule {
  startServices(opts: { catalogPort: number; ordersPort: number }): Promise<Services>;
}
interface TokenModule {
  mintDemoToken(opts?: { sub?: string; ttlSeconds?: number }): string;
}

/** The upstream echo: what a service received. */
interface Echo {
  service: string;
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

interface Setup {
  gw: Gateway;
  services: Services;
  mint: TokenModule['mintDemoToken'];
}

let setup: Setup | undefined;

/** sluice.yaml with the listener and admin on port 0, the clusters on the test's services. */
async function exampleConfig(services: Services): Promise<string> {
  const config = parse(await readFile(join(EXAMPLE_DIR, 'sluice.yaml'), 'utf8'));
  config.admin.address = '127.0.0.1:0';
  config.access_log = { path: 'stdout', disabled: true };
  config.listeners[0].address = '127.0.0.1:0';
  const ports: Record<string, number> = { catalog: services.catalogPort, orders: services.ordersPort };
  for (const c of config.clusters as Array<{ name: string; endpoints: Array<{ address: string }> }>) {
    const port = ports[c.name];
    assert.ok(port !== undefined, `unexpected cluster ${c.name} in sluice.yaml`);
    c.endpoints = [{ address: `127.0.0.1:${port}` }];
  }
  return JSON.stringify(config);
}

before(async () => {
  const { startServices } = (await import(pathToFileURL(join(EXAMPLE_DIR, 'services.mjs')).href)) as ServicesModule;
  const { mintDemoToken } = (await import(pathToFileURL(join(EXAMPLE_DIR, 'token.mjs')).href)) as TokenModule;
  const services = await startServices({ catalogPort: 0, ordersPort: 0 });
  try {
    const loaded = parseConfigText(await exampleConfig(services), { format: 'json', baseDir: EXAMPLE_DIR });
    const gw = await Gateway.start(loaded, { log: createLogger({ level: 'error', write: () => {} }) });
    setup = { gw, services, mint: mintDemoToken };
  } catch (err) {
    await services.close();
    throw err;
  }
});

after(async () => {
  await setup?.gw.stop({ drainTimeoutMs: 200 });
  await setup?.services.close();
});

function env(): Setup {
  assert.ok(setup, 'setup failed');
  return setup;
}

function send(port: number, opts: { method?: string; path: string; headers?: Record<string, string>; body?: string }): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: opts.method ?? 'GET', path: opts.path, headers: opts.headers ?? {} }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

const gateway = (opts: Parameters<typeof send>[1]): Promise<Reply> => send(env().gw.listeners()[0]!.port, opts);
const bearer = (sub: string): Record<string, string> => ({ authorization: `Bearer ${env().mint({ sub })}` });

test('no token: 401 with a bare Bearer challenge', async () => {
  const r = await gateway({ path: '/catalog/42' });
  assert.equal(r.status, 401);
  assert.equal(r.headers['www-authenticate'], 'Bearer realm="sluice"');
  assert.equal(r.body, 'unauthorized: missing token\n');
});

test('a tampered token: 401 invalid_token', async () => {
  const r = await gateway({ path: '/orders', headers: { authorization: `${bearer('alice').authorization}x` } });
  assert.equal(r.status, 401);
  assert.match(String(r.headers['www-authenticate']), /error="invalid_token", error_description="signature verification failed"/);
});

test('a token from token.mjs: 200, the catalog sees the rewritten path and the claim headers, not the token', async () => {
  const r = await gateway({ path: '/catalog/42', headers: { ...bearer('alice'), 'x-user': 'mallory' } });
  assert.equal(r.status, 200);
  const echo = JSON.parse(r.body) as Echo;
  assert.equal(echo.service, 'catalog');
  assert.equal(echo.path, '/items/42');
  assert.equal(echo.headers['x-user'], 'alice');
  assert.equal(echo.headers['x-scope'], 'catalog:read orders:write');
  assert.equal(echo.headers.authorization, undefined);
});

test('CORS preflight: 204 with the allow headers, answered by the gateway without a token', async () => {
  const r = await gateway({
    method: 'OPTIONS',
    path: '/orders',
    headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
  });
  assert.equal(r.status, 204);
  assert.equal(r.headers['access-control-allow-origin'], 'https://app.example.com');
  assert.equal(r.headers['access-control-allow-methods'], 'GET, POST');
  assert.equal(r.headers['access-control-allow-headers'], 'authorization, content-type');
  assert.equal(r.headers['access-control-max-age'], '600');
  assert.equal(r.body, '');
});

test('CORS actual request: the allowed origin is echoed on the response', async () => {
  const r = await gateway({ method: 'POST', path: '/orders', headers: { ...bearer('carol'), origin: 'https://app.example.com', 'content-type': 'application/json' }, body: '{"sku":"42","qty":1}' });
  assert.equal(r.status, 200);
  assert.equal(r.headers['access-control-allow-origin'], 'https://app.example.com');
  assert.equal(r.headers['access-control-expose-headers'], 'x-ratelimit-remaining, x-request-id');
  assert.equal((JSON.parse(r.body) as Echo).body, '{"sku":"42","qty":1}');
});

test('rate limit: 5 requests per user pass, the 6th gets 429 with Retry-After', async () => {
  const headers = bearer('ratelimit-user');
  const statuses: number[] = [];
  for (let i = 0; i < 5; i++) statuses.push((await gateway({ path: '/orders', headers })).status);
  assert.deepEqual(statuses, [200, 200, 200, 200, 200]);
  const limited = await gateway({ path: '/orders', headers });
  assert.equal(limited.status, 429);
  assert.ok(Number(limited.headers['retry-after']) > 0, `retry-after: ${limited.headers['retry-after']}`);
  assert.equal(limited.headers['x-ratelimit-remaining'], '0');
  // The bucket is per user (the x-user header jwt-auth sets): another user still passes.
  assert.equal((await gateway({ path: '/orders', headers: bearer('someone-else') })).status, 200);
});

test('header-mutation: request headers set and removed, response header removed and added', async () => {
  const r = await gateway({ path: '/orders/7', headers: { ...bearer('dave'), 'x-internal-token': 'leak' } });
  assert.equal(r.status, 200);
  const echo = JSON.parse(r.body) as Echo;
  assert.equal(echo.headers['x-gateway'], 'sluice');
  assert.equal(echo.headers['x-client-ip'], '127.0.0.1');
  assert.equal(echo.headers['x-internal-token'], undefined);
  assert.equal(r.headers['x-powered-by'], undefined);
  assert.equal(r.headers['x-served-for'], 'dave');
});

test('/healthz: per-route overrides skip auth, limit and header changes', async () => {
  const r = await gateway({ path: '/healthz' });
  assert.equal(r.status, 200);
  assert.equal(r.body, 'ok\n');
  assert.equal(r.headers['x-served-for'], undefined);
});

test('admin /stats/prometheus shows the filters\' metrics', async () => {
  await gateway({ method: 'OPTIONS', path: '/orders', headers: { origin: 'https://app.example.com', 'access-control-request-method': 'GET' } });
  const admin = env().gw.admin;
  assert.ok(admin, 'sluice.yaml has an admin block');
  const r = await send(admin.port, { path: '/stats/prometheus' });
  assert.equal(r.status, 200);
  assert.match(r.body, /^wasmcustom_cors_preflight_allowed [1-9]/m);
  assert.match(r.body, /^# TYPE wasmcustom_local_ratelimit_limited counter$/m);
});
