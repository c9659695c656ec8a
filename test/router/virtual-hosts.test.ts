import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RouteConfig } from '../../host/config/types.js';
import { buildRouter } from '../../host/router/build.js';
import { req } from './route-config.js';

/** One virtual host per domain pattern; the route name tells which host matched. */
function hosts(domainsByHost: Record<string, string[]>): RouteConfig {
  return {
    name: 'rc',
    virtual_hosts: Object.entries(domainsByHost).map(([name, domains]) => ({
      name,
      domains,
      routes: [{ name, match: { prefix: '/' }, direct_response: { status: 200 } }],
    })),
  };
}

function hostFor(rc: RouteConfig, authority: string): string | undefined {
  return buildRouter(rc).route(req('/', { authority }))?.virtualHostName;
}

const all = hosts({
  exact: ['api.example.com'],
  suffix: ['*.example.com'],
  longSuffix: ['*.eu.example.com'],
  prefix: ['api.*'],
  longPrefix: ['api.eu.*'],
  any: ['*'],
});

test('exact domain beats suffix, prefix and *', () => {
  assert.equal(hostFor(all, 'api.example.com'), 'exact');
});

test('suffix wildcard beats prefix wildcard', () => {
  assert.equal(hostFor(all, 'api.foo.example.com'), 'suffix');
});

test('longest suffix wildcard wins', () => {
  assert.equal(hostFor(all, 'api.eu.example.com'), 'longSuffix');
});

test('prefix wildcard beats *', () => {
  assert.equal(hostFor(all, 'api.other.org'), 'prefix');
});

test('longest prefix wildcard wins', () => {
  assert.equal(hostFor(all, 'api.eu.other.org'), 'longPrefix');
});

test('* catches everything else', () => {
  assert.equal(hostFor(all, 'unrelated.net'), 'any');
});

test('a wildcard does not match the empty string', () => {
  const rc = hosts({ suffix: ['*.example.com'], prefix: ['api.*'] });
  assert.equal(hostFor(rc, '.example.com'), undefined);
  assert.equal(hostFor(rc, 'api.'), undefined);
});

test('host matching is case-insensitive on both sides', () => {
  const rc = hosts({ a: ['Api.Example.COM'], b: ['*.Other.org'] });
  assert.equal(hostFor(rc, 'API.example.com'), 'a');
  assert.equal(hostFor(rc, 'WWW.OTHER.ORG'), 'b');
});

test('the port in the authority is ignored by domains without one', () => {
  const rc = hosts({ exact: ['api.example.com'], suffix: ['*.example.com'], prefix: ['www.*'] });
  assert.equal(hostFor(rc, 'api.example.com:8080'), 'exact');
  assert.equal(hostFor(rc, 'x.example.com:443'), 'suffix');
  assert.equal(hostFor(rc, 'www.foo:1'), 'prefix');
});

test('a domain with a port matches only that port', () => {
  const rc = hosts({ ported: ['api.example.com:8080'], plain: ['api.example.com'] });
  assert.equal(hostFor(rc, 'api.example.com:8080'), 'ported');
  assert.equal(hostFor(rc, 'api.example.com:9090'), 'plain');
  assert.equal(hostFor(rc, 'api.example.com'), 'plain');
});

test('bracketed IPv6 authorities have their port stripped', () => {
  const rc = hosts({ v6: ['[::1]'], any: ['*'] });
  assert.equal(hostFor(rc, '[::1]:8080'), 'v6');
  assert.equal(hostFor(rc, '[::1]'), 'v6');
});

test('no virtual host matches: no route', () => {
  const rc = hosts({ a: ['a.com'] });
  assert.equal(buildRouter(rc).route(req('/', { authority: 'b.com' })), null);
});

test('a domain used by two virtual hosts is a load error naming the config path', () => {
  const rc = hosts({ a: ['a.com'], b: ['A.com'] });
  assert.throws(() => buildRouter(rc), /route_configs\[rc\]\.virtual_hosts\[1\]\.domains: domain "A.com" is listed more than once/);
});

test('a wildcard in the middle of a domain is a load error', () => {
  assert.throws(() => buildRouter(hosts({ a: ['a.*.com'] })), /only one wildcard/);
});
