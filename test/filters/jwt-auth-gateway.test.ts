// jwt-auth (filters/jwt-auth) through a real Gateway: listener on 127.0.0.1:0, node:http upstream.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import { createServer, request, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseConfigText } from '../../host/config/load.js';
import { Gateway } from '../../host/gateway.js';
import { createLogger } from '../../host/observability/logger.js';

const WASM = 'filters/build/jwt-auth.wasm';
const SECRET = 'a-test-secret-of-reasonable-length';
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pem = rsa.publicKey.export({ type: 'spki', format: 'pem' }) as string;
const BASE = { issuer: 'https://issuer.test', audiences: ['api'], claims_to_headers: { sub: 'x-jwt-sub' } };
const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

function rs256(claims: Record<string, unknown>): string {
  const input = `${Buffer.from('{"alg":"RS256","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return `${input}.${sign('sha256', Buffer.from(input), rsa.privateKey).toString('base64url')}`;
}

const good = (extra: Record<string, unknown> = {}): Record<string, unknown> =>
  ({ sub: 'alice', iss: 'https://issuer.test', aud: 'api', exp: Math.floor(Date.now() / 1000) + 300, ...extra });

test('jwt-auth through a real gateway: 401 without a token, claims forwarded with one', async (t) => {
  const seen: IncomingHttpHeaders[] = [];
  const upstream = createServer((req, res) => {
    seen.push(req.headers);
    req.resume();
    res.end('ok');
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => { upstream.closeAllConnections(); upstream.close(() => r()); }));
  const upPort = (upstream.address() as AddressInfo).port;
  const filterConfig = { ...BASE, keys: [{ pem }, { secret: SECRET }] };
  const yaml = `
listeners:
  - name: main
    address: 127.0.0.1:0
    http_filters:
      - name: jwt
        wasm:
          file: ${WASM}
          root_id: jwt-auth
          configuration: ${JSON.stringify(filterConfig)}
    route_config: rc
route_configs:
  - name: rc
    virtual_hosts:
      - name: all
        domains: ["*"]
        routes:
          - match: { prefix: "/" }
            route: { cluster: backend }
clusters:
  - name: backend
    endpoints:
      - address: 127.0.0.1:${upPort}
`;
  const gw = await Gateway.start(parseConfigText(yaml, { format: 'yaml', baseDir: process.cwd() }),
    { log: createLogger({ level: 'error', write: () => {} }) });
  t.after(() => gw.stop({ drainTimeoutMs: 200 }));
  const port = gw.listeners()[0]!.port;
  const get = (headers: Record<string, string>): Promise<{ status: number; auth: string | undefined }> =>
    new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/', headers }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode!, auth: res.headers['www-authenticate'] }));
      });
      req.on('error', reject);
      req.end();
    });
  const missing = await get({});
  assert.equal(missing.status, 401);
  assert.equal(missing.auth, 'Bearer realm="sluice"');
  const ok = await get(bearer(rs256(good({ sub: 'bob' }))));
  assert.equal(ok.status, 200);
  assert.equal(seen.length, 1);
  assert.equal(seen[0]!['x-jwt-sub'], 'bob');
  assert.equal(seen[0]!.authorization, undefined);
});
