// jwt-auth (filters/jwt-auth): HS256 / RS256 / ES256 through the in-process harness (the real
// gateway: jwt-auth-gateway.test.ts). Tokens are signed here with node:crypto.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { FilterHarness } from '../../sdk/testing/index.js';

const WASM = 'filters/build/jwt-auth.wasm';
const SECRET = 'a-test-secret-of-reasonable-length';
const now = (): number => Math.floor(Date.now() / 1000);

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const pem = (k: KeyObject): string => k.export({ type: 'spki', format: 'pem' }) as string;

type Claims = Record<string, unknown>;

/** A compact JWS signed with node:crypto. */
function jwt(alg: 'HS256' | 'RS256' | 'ES256', claims: Claims, opts: { kid?: string; key?: KeyObject | string } = {}): string {
  const header = { alg, typ: 'JWT', ...(opts.kid ? { kid: opts.kid } : {}) };
  const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  let sig: Buffer;
  if (alg === 'HS256') sig = createHmac('sha256', (opts.key as string | undefined) ?? SECRET).update(input).digest();
  else if (alg === 'RS256') sig = sign('sha256', Buffer.from(input), (opts.key as KeyObject | undefined) ?? rsa.privateKey);
  else sig = sign('sha256', Buffer.from(input), { key: (opts.key as KeyObject | undefined) ?? ec.privateKey, dsaEncoding: 'ieee-p1363' });
  return `${input}.${sig.toString('base64url')}`;
}

const good = (extra: Claims = {}): Claims => ({ sub: 'alice', iss: 'https://issuer.test', aud: 'api', exp: now() + 300, ...extra });

const BASE = {
  issuer: 'https://issuer.test',
  audiences: ['api'],
  claims_to_headers: { sub: 'x-jwt-sub' },
};

async function load(t: TestContext, configuration: Record<string, unknown>): Promise<FilterHarness> {
  const h = await FilterHarness.load({ file: WASM, rootId: 'jwt-auth', configuration });
  t.after(() => h.close());
  return h;
}

const hs = { ...BASE, keys: [{ kid: 'hs', secret: SECRET }] };
const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

test('jwt-auth HS256: a valid token reaches the upstream with claims forwarded and the token removed', async (t) => {
  const h = await load(t, hs);
  const r = await h.exchange({ headers: bearer(jwt('HS256', good())) });
  assert.equal(r.status, 200);
  assert.equal(r.upstream?.header('x-jwt-sub'), 'alice');
  assert.equal(r.upstream?.header('authorization'), undefined);
});

test('jwt-auth: a missing token gets 401 with a challenge without error code', async (t) => {
  const h = await load(t, hs);
  const r = await h.exchange({});
  assert.equal(r.status, 401);
  assert.equal(r.upstream, undefined);
  assert.equal(r.header('www-authenticate'), 'Bearer realm="sluice"');
});

test('jwt-auth: an expired token gets invalid_token "token expired"', async (t) => {
  const h = await load(t, hs);
  const r = await h.exchange({ headers: bearer(jwt('HS256', good({ exp: now() - 120 }))) });
  assert.equal(r.status, 401);
  assert.equal(r.header('www-authenticate'), 'Bearer realm="sluice", error="invalid_token", error_description="token expired"');
});

test('jwt-auth: exp within clock_skew is still accepted', async (t) => {
  const h = await load(t, { ...hs, clock_skew: 120 });
  const r = await h.exchange({ headers: bearer(jwt('HS256', good({ exp: now() - 60 }))) });
  assert.equal(r.status, 200);
});

test('jwt-auth: a token not yet valid (nbf) is refused', async (t) => {
  const h = await load(t, hs);
  const r = await h.exchange({ headers: bearer(jwt('HS256', good({ nbf: now() + 600 }))) });
  assert.equal(r.status, 401);
  assert.match(r.header('www-authenticate') ?? '', /error_description="token not yet valid"/);
});

test('jwt-auth: a wrong issuer is refused', async (t) => {
  const h = await load(t, hs);
  const r = await h.exchange({ headers: bearer(jwt('HS256', good({ iss: 'https://evil.test' }))) });
  assert.equal(r.status, 401);
  assert.match(r.header('www-authenticate') ?? '', /error_description="issuer not allowed"/);
});

test('jwt-auth: a wrong audience is refused, a matching one in a list accepted', async (t) => {
  const h = await load(t, hs);
  const bad = await h.exchange({ headers: bearer(jwt('HS256', good({ aud: 'other' }))) });
  assert.equal(bad.status, 401);
  assert.match(bad.header('www-authenticate') ?? '', /error_description="audience not allowed"/);
  const ok = await h.exchange({ headers: bearer(jwt('HS256', good({ aud: ['other', 'api'] }))) });
  assert.equal(ok.status, 200);
});

test('jwt-auth HS256: a token signed with another secret is refused', async (t) => {
  const h = await load(t, hs);
  const r = await h.exchange({ headers: bearer(jwt('HS256', good(), { key: 'another-secret' })) });
  assert.equal(r.status, 401);
  assert.match(r.header('www-authenticate') ?? '', /error_description="signature verification failed"/);
});

test('jwt-auth: a malformed token and alg "none" are refused', async (t) => {
  const h = await load(t, hs);
  const r1 = await h.exchange({ headers: bearer('not.a-token') });
  assert.match(r1.header('www-authenticate') ?? '', /error="invalid_token", error_description="malformed token"/);
  const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify(good())).toString('base64url')}.`;
  const r2 = await h.exchange({ headers: bearer(none) });
  assert.equal(r2.status, 401);
});

test('jwt-auth: a client-sent claim header is replaced, never passed through', async (t) => {
  const h = await load(t, hs);
  const r = await h.exchange({ headers: { ...bearer(jwt('HS256', good())), 'x-jwt-sub': 'mallory' } });
  assert.deepEqual(r.upstream?.headers.getAll('x-jwt-sub'), ['alice']);
});

test('jwt-auth: the token may come from a configured query parameter, which is then removed', async (t) => {
  const h = await load(t, { ...hs, query: 'access_token' });
  const r = await h.exchange({ path: `/items?a=1&access_token=${jwt('HS256', good())}` });
  assert.equal(r.status, 200);
  assert.equal(r.upstream?.header(':path'), '/items?a=1');
});

test('jwt-auth: the token may come from a configured header, kept with forward_token', async (t) => {
  const h = await load(t, { ...hs, header: 'x-token', forward_token: true });
  const r = await h.exchange({ headers: { 'x-token': jwt('HS256', good()) } });
  assert.equal(r.status, 200);
  assert.ok(r.upstream?.header('x-token'));
});

test('jwt-auth RS256 with a PEM key: valid accepted, bad signature refused', async (t) => {
  const h = await load(t, { ...BASE, keys: [{ kid: 'r1', pem: pem(rsa.publicKey) }] });
  const ok = await h.exchange({ headers: bearer(jwt('RS256', good(), { kid: 'r1' })) });
  assert.equal(ok.status, 200);
  assert.equal(ok.upstream?.header('x-jwt-sub'), 'alice');
  const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const bad = await h.exchange({ headers: bearer(jwt('RS256', good(), { key: other.privateKey })) });
  assert.equal(bad.status, 401);
  assert.match(bad.header('www-authenticate') ?? '', /signature verification failed/);
});

test('jwt-auth RS256 from an inline JWKS, selected by kid, other key types skipped', async (t) => {
  const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwks = { keys: [
    { ...other.publicKey.export({ format: 'jwk' }), kid: 'old', use: 'sig' },
    { ...rsa.publicKey.export({ format: 'jwk' }), kid: 'new', alg: 'RS256' },
    { kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo', kid: 'ed' },
    { ...rsa.publicKey.export({ format: 'jwk' }), kid: 'enc', use: 'enc' },
  ] };
  const h = await load(t, { ...BASE, jwks: JSON.stringify(jwks) });
  const r = await h.exchange({ headers: bearer(jwt('RS256', good(), { kid: 'new' })) });
  assert.equal(r.status, 200);
});

test('jwt-auth: an HS256 token cannot use an RSA public key as its secret', async (t) => {
  const h = await load(t, { ...BASE, keys: [{ pem: pem(rsa.publicKey) }] });
  const r = await h.exchange({ headers: bearer(jwt('HS256', good(), { key: pem(rsa.publicKey) })) });
  assert.equal(r.status, 401);
  assert.match(r.header('www-authenticate') ?? '', /no key for this alg/);
});

test('jwt-auth ES256 with a PEM key: valid accepted, bad signature refused', async (t) => {
  const h = await load(t, { ...BASE, keys: [{ pem: pem(ec.publicKey) }] });
  const ok = await h.exchange({ headers: bearer(jwt('ES256', good())) });
  assert.equal(ok.status, 200, ok.header('www-authenticate'));
  const other = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const bad = await h.exchange({ headers: bearer(jwt('ES256', good(), { key: other.privateKey })) });
  assert.equal(bad.status, 401);
});

test('jwt-auth ES256 from a JWKS object', async (t) => {
  const h = await load(t, { ...BASE, jwks: { keys: [{ ...ec.publicKey.export({ format: 'jwk' }), kid: 'e1' }] } });
  const r = await h.exchange({ headers: bearer(jwt('ES256', good(), { kid: 'e1' })) });
  assert.equal(r.status, 200, r.header('www-authenticate'));
});

test('jwt-auth: kid picks the key among many; without kid at most 4 public keys are tried', async (t) => {
  const pairs = Array.from({ length: 6 }, () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' }));
  const keys = pairs.map((p, i) => ({ kid: `k${i}`, pem: pem(p.publicKey) }));
  const h = await load(t, { ...BASE, keys });
  const withKid = await h.exchange({ headers: bearer(jwt('ES256', good(), { kid: 'k5', key: pairs[5]!.privateKey })) });
  assert.equal(withKid.status, 200);
  const withoutKid = await h.exchange({ headers: bearer(jwt('ES256', good(), { key: pairs[5]!.privateKey })) });
  assert.equal(withoutKid.status, 401);
  const early = await h.exchange({ headers: bearer(jwt('ES256', good(), { key: pairs[1]!.privateKey })) });
  assert.equal(early.status, 200);
});

// host_crypto: false forces the pure-AssemblyScript RSA / P-256 code other proxy-wasm hosts use.
test('jwt-auth RS256 in the filter (host_crypto: false): valid PEM and JWK accepted, forged refused', async (t) => {
  const h = await load(t, { ...BASE, host_crypto: false, keys: [{ kid: 'p', pem: pem(rsa.publicKey) }],
    jwks: { keys: [{ ...rsa.publicKey.export({ format: 'jwk' }), kid: 'j' }] } });
  assert.equal((await h.exchange({ headers: bearer(jwt('RS256', good(), { kid: 'p' })) })).status, 200);
  assert.equal((await h.exchange({ headers: bearer(jwt('RS256', good(), { kid: 'j' })) })).status, 200);
  const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
  assert.equal((await h.exchange({ headers: bearer(jwt('RS256', good(), { key: other.privateKey })) })).status, 401);
  const token = jwt('RS256', good());
  const tampered = token.replace(/\.[^.]+\./, `.${Buffer.from(JSON.stringify(good({ sub: 'mallory' }))).toString('base64url')}.`);
  assert.equal((await h.exchange({ headers: bearer(tampered) })).status, 401);
});

test('jwt-auth RS256 in the filter with a 3072-bit PKCS#1 key', async (t) => {
  const big = generateKeyPairSync('rsa', { modulusLength: 3072 });
  const pkcs1 = big.publicKey.export({ type: 'pkcs1', format: 'pem' }) as string;
  const h = await load(t, { ...BASE, host_crypto: false, keys: [{ pem: pkcs1 }] });
  assert.equal((await h.exchange({ headers: bearer(jwt('RS256', good(), { key: big.privateKey })) })).status, 200);
  assert.equal((await h.exchange({ headers: bearer(jwt('RS256', good())) })).status, 401);
});

test('jwt-auth ES256 in the filter (host_crypto: false): valid PEM and JWK accepted, forged refused', async (t) => {
  const h = await load(t, { ...BASE, host_crypto: false, keys: [{ kid: 'p', pem: pem(ec.publicKey) }],
    jwks: { keys: [{ ...ec.publicKey.export({ format: 'jwk' }), kid: 'j' }] } });
  assert.equal((await h.exchange({ headers: bearer(jwt('ES256', good(), { kid: 'p' })) })).status, 200);
  assert.equal((await h.exchange({ headers: bearer(jwt('ES256', good(), { kid: 'j' })) })).status, 200);
  const other = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  assert.equal((await h.exchange({ headers: bearer(jwt('ES256', good(), { key: other.privateKey })) })).status, 401);
  const token = jwt('ES256', good());
  const sig = Buffer.from(token.slice(token.lastIndexOf('.') + 1), 'base64url');
  sig[40]! ^= 0x01;
  const flipped = `${token.slice(0, token.lastIndexOf('.') + 1)}${sig.toString('base64url')}`;
  assert.equal((await h.exchange({ headers: bearer(flipped) })).status, 401);
});

test('jwt-auth ES256 in the filter agrees with node:crypto on 8 random keys and messages', async (t) => {
  const pairs = Array.from({ length: 8 }, () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' }));
  for (const [i, p] of pairs.entries()) {
    const h = await load(t, { keys: [{ pem: pem(p.publicKey) }], host_crypto: false });
    const r = await h.exchange({ headers: bearer(jwt('ES256', { sub: `u${i}`, n: Math.random(), exp: now() + 60 }, { key: p.privateKey })) });
    assert.equal(r.status, 200, `key ${i}`);
    await h.close();
  }
});

test('jwt-auth: a configuration without keys is refused at load', async () => {
  await assert.rejects(FilterHarness.load({ file: WASM, rootId: 'jwt-auth', configuration: { issuer: 'x' } }));
});
