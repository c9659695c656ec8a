import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RedirectConfig, RouteMatchConfig } from '../../host/config/types.js';
import { buildRouter } from '../../host/router/build.js';
import type { RouteRequest } from '../../host/router/contract.js';
import { asRedirect, oneHost, req, routeOf } from './route-config.js';

/** Location for `r` arriving over `scheme` through one redirect route. */
function location(redirect: RedirectConfig, r: RouteRequest, scheme = 'http', match: RouteMatchConfig = { prefix: '/' }): string {
  return asRedirect(routeOf(oneHost([{ match, redirect }]), r)).location(r, scheme);
}

test('response_code defaults to 301', () => {
  assert.equal(asRedirect(routeOf(oneHost([{ match: { prefix: '/' }, redirect: { host_redirect: 'a' } }]), req('/'))).status, 301);
});

test('response_code is taken from config', () => {
  assert.equal(asRedirect(routeOf(oneHost([{ match: { prefix: '/' }, redirect: { response_code: 308 } }]), req('/'))).status, 308);
});

test('a response_code that is not a redirect is a load error', () => {
  assert.throws(() => buildRouter(oneHost([{ match: { prefix: '/' }, redirect: { response_code: 200 } }])), /response_code: must be one of/);
});

test('with nothing configured the Location is the request URL', () => {
  assert.equal(location({}, req('/a?b=1')), 'http://example.com/a?b=1');
});

test('https_redirect switches the scheme and keeps path and query', () => {
  assert.equal(location({ https_redirect: true }, req('/a?b=1')), 'https://example.com/a?b=1');
});

test('https_redirect drops the old scheme\'s default port', () => {
  assert.equal(location({ https_redirect: true }, req('/', { authority: 'example.com:80' })), 'https://example.com/');
});

test('https_redirect keeps a non-default port', () => {
  assert.equal(location({ https_redirect: true }, req('/', { authority: 'example.com:8080' })), 'https://example.com:8080/');
});

test('scheme_redirect sets any scheme and drops https\'s default port', () => {
  assert.equal(location({ scheme_redirect: 'http' }, req('/', { authority: 'example.com:443' }), 'https'), 'http://example.com/');
});

test('the scheme is the downstream one when not redirected', () => {
  assert.equal(location({ path_redirect: '/x' }, req('/'), 'https'), 'https://example.com/x');
});

test('host_redirect replaces the host', () => {
  assert.equal(location({ host_redirect: 'new.example.org' }, req('/p', { authority: 'old.com:8080' })), 'http://new.example.org/p');
});

test('port_redirect replaces the request\'s port', () => {
  assert.equal(location({ port_redirect: 8443 }, req('/p', { authority: 'example.com:8080' })), 'http://example.com:8443/p');
});

test('port_redirect adds a port when the request has none', () => {
  assert.equal(location({ port_redirect: 8443 }, req('/p')), 'http://example.com:8443/p');
});

test('host_redirect with port_redirect uses both', () => {
  assert.equal(location({ host_redirect: 'b.com', port_redirect: 9000 }, req('/p')), 'http://b.com:9000/p');
});

test('path_redirect replaces the path and keeps the query', () => {
  assert.equal(location({ path_redirect: '/new' }, req('/old?x=1')), 'http://example.com/new?x=1');
});

test('a query in path_redirect replaces the request\'s query', () => {
  assert.equal(location({ path_redirect: '/new?y=2' }, req('/old?x=1')), 'http://example.com/new?y=2');
});

test('prefix_rewrite replaces the matched prefix and keeps the query', () => {
  assert.equal(location({ prefix_rewrite: '/v2' }, req('/v1/items?x=1'), 'http', { prefix: '/v1' }), 'http://example.com/v2/items?x=1');
});

test('prefix_rewrite "/" on prefix "/old" does not double the slash', () => {
  assert.equal(location({ prefix_rewrite: '/' }, req('/old/a'), 'http', { prefix: '/old' }), 'http://example.com/a');
});

test('strip_query removes the query', () => {
  assert.equal(location({ strip_query: true }, req('/a?b=1')), 'http://example.com/a');
  assert.equal(location({ path_redirect: '/n', strip_query: true }, req('/a?b=1')), 'http://example.com/n');
  assert.equal(location({ prefix_rewrite: '/z', strip_query: true }, req('/a/q?b=1'), 'http', { prefix: '/a' }), 'http://example.com/z/q');
});

test('every field together', () => {
  const cfg: RedirectConfig = { https_redirect: true, host_redirect: 'secure.example.com', port_redirect: 8443, prefix_rewrite: '/v2', strip_query: true, response_code: 302 };
  const r = asRedirect(routeOf(oneHost([{ match: { prefix: '/v1' }, redirect: cfg }]), req('/v1/x?y=z')));
  assert.equal(r.status, 302);
  assert.equal(r.location(req('/v1/x?y=z'), 'http'), 'https://secure.example.com:8443/v2/x');
});

test('path_redirect with prefix_rewrite is a load error', () => {
  assert.throws(() => buildRouter(oneHost([{ match: { prefix: '/' }, redirect: { path_redirect: '/a', prefix_rewrite: '/b' } }])), /exclusive/);
});
