import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HashPolicyConfig } from '../../host/config/types.js';
import { combineHash, hashBytes, hashString } from '../../host/router/hash.js';
import { cookieValue } from '../../host/router/hash-policy.js';
import type { RouteRequest } from '../../host/router/contract.js';
import { asCluster, oneHost, req, routeOf } from './route-config.js';

function hashOf(policy: HashPolicyConfig[], r: RouteRequest, ip = '10.0.0.1'): number | undefined {
  return asCluster(routeOf(oneHost([{ match: { prefix: '/' }, route: { cluster: 'c', hash_policy: policy } }]), r)).computeHash(r, ip);
}

test('hashString is deterministic and unsigned 32-bit', () => {
  const h = hashString('user-42');
  assert.equal(h, hashString('user-42'));
  assert.ok(Number.isInteger(h) && h >= 0 && h <= 0xffffffff);
});

test('hashString differs for nearby keys', () => {
  assert.notEqual(hashString('user-42'), hashString('user-43'));
  assert.notEqual(hashString(''), hashString(' '));
});

test('hashString hashes the UTF-8 bytes, like hashBytes', () => {
  for (const s of ['', 'abc', 'café', '日本', '😀 x']) assert.equal(hashString(s), hashBytes(Buffer.from(s, 'utf8')));
});

test('hashString spreads keys evenly over buckets', () => {
  // 16 buckets by the top 4 bits (what a ring reads first): each within ±25% of the mean.
  const buckets = new Array<number>(16).fill(0);
  for (let i = 0; i < 16_000; i++) buckets[hashString(`key-${i}`) >>> 28]!++;
  for (const b of buckets) assert.ok(b > 750 && b < 1250, `bucket count ${b}`);
});

test('combineHash depends on order', () => {
  assert.notEqual(combineHash(1, 2), combineHash(2, 1));
});

test('no hash_policy: no hash', () => {
  const r = req('/');
  assert.equal(asCluster(routeOf(oneHost([{ match: { prefix: '/' }, route: { cluster: 'c' } }]), r)).computeHash(r, '1.2.3.4'), undefined);
});

test('header policy hashes the header value', () => {
  const p = [{ header: { header_name: 'X-User' } }];
  assert.equal(hashOf(p, req('/', { headers: { 'x-user': 'alice' } })), hashString('alice'));
  assert.notEqual(hashOf(p, req('/', { headers: { 'x-user': 'alice' } })), hashOf(p, req('/', { headers: { 'x-user': 'bob' } })));
});

test('header policy with the header absent gives no hash', () => {
  assert.equal(hashOf([{ header: { header_name: 'x-user' } }], req('/')), undefined);
});

test('source_ip policy hashes the source address', () => {
  const p = [{ connection_properties: { source_ip: true } }];
  assert.equal(hashOf(p, req('/'), '10.0.0.1'), hashString('10.0.0.1'));
  assert.notEqual(hashOf(p, req('/'), '10.0.0.1'), hashOf(p, req('/'), '10.0.0.2'));
});

test('cookie policy hashes the named cookie\'s value', () => {
  const p = [{ cookie: { name: 'session' } }];
  assert.equal(hashOf(p, req('/', { headers: { cookie: 'a=1; session=xyz; b=2' } })), hashString('xyz'));
  assert.equal(hashOf(p, req('/', { headers: { cookie: 'a=1; mysession=xyz' } })), undefined);
  assert.equal(hashOf(p, req('/')), undefined);
});

test('cookie policy finds the cookie in any of several Cookie headers', () => {
  const p = [{ cookie: { name: 's' } }];
  assert.equal(hashOf(p, req('/', { headers: { cookie: ['a=1', 's=v'] } })), hashString('v'));
});

test('cookieValue parses names exactly and unquotes values', () => {
  assert.equal(cookieValue('x=1;y=2', 'y'), '2');
  assert.equal(cookieValue('xy=1; y="q"', 'y'), 'q');
  assert.equal(cookieValue('y', 'y'), undefined);
});

test('several policies combine in order', () => {
  const p = [{ header: { header_name: 'a' } }, { header: { header_name: 'b' } }];
  const r = req('/', { headers: { a: '1', b: '2' } });
  assert.equal(hashOf(p, r), combineHash(hashString('1'), hashString('2')));
  assert.notEqual(hashOf(p, r), hashOf(p, req('/', { headers: { a: '2', b: '1' } })));
});

test('a policy that produced nothing is skipped', () => {
  const p = [{ header: { header_name: 'missing' } }, { header: { header_name: 'b' } }];
  assert.equal(hashOf(p, req('/', { headers: { b: '2' } })), hashString('2'));
});

test('a terminal policy that produced a hash stops the walk', () => {
  const p = [{ header: { header_name: 'a' }, terminal: true }, { connection_properties: { source_ip: true } }];
  assert.equal(hashOf(p, req('/', { headers: { a: '1' } })), hashString('1'));
});

test('a terminal policy that produced nothing does not stop the walk', () => {
  const p = [{ header: { header_name: 'a' }, terminal: true }, { connection_properties: { source_ip: true } }];
  assert.equal(hashOf(p, req('/'), '10.0.0.9'), hashString('10.0.0.9'));
});

test('every policy producing nothing gives no hash', () => {
  const p = [{ header: { header_name: 'a' } }, { cookie: { name: 'c' } }];
  assert.equal(hashOf(p, req('/')), undefined);
});
