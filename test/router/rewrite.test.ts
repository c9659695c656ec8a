import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RouteActionConfig, RouteMatchConfig } from '../../host/config/types.js';
import { buildRouter } from '../../host/router/build.js';
import { asCluster, oneHost, req, routeOf } from './route-config.js';

/** The upstream request-target for `path` through a single route. */
function rewritten(match: RouteMatchConfig, action: Omit<RouteActionConfig, 'cluster'>, path: string): string {
  return asCluster(routeOf(oneHost([{ match, route: { cluster: 'c', ...action } }]), req(path))).rewritePath(path);
}

test('prefix_rewrite replaces the matched prefix', () => {
  assert.equal(rewritten({ prefix: '/api' }, { prefix_rewrite: '/v2' }, '/api/users'), '/v2/users');
});

test('prefix_rewrite keeps the query', () => {
  assert.equal(rewritten({ prefix: '/api' }, { prefix_rewrite: '/v2' }, '/api/users?id=1'), '/v2/users?id=1');
});

test('prefix "/api" with prefix_rewrite "/" gives "/x", not "//x"', () => {
  assert.equal(rewritten({ prefix: '/api' }, { prefix_rewrite: '/' }, '/api/x'), '/x');
});

test('prefix "/api/" with prefix_rewrite "/" gives "/x"', () => {
  assert.equal(rewritten({ prefix: '/api/' }, { prefix_rewrite: '/' }, '/api/x'), '/x');
});

test('prefix_rewrite of the whole path leaves "/" with the query', () => {
  assert.equal(rewritten({ prefix: '/api' }, { prefix_rewrite: '/' }, '/api'), '/');
  assert.equal(rewritten({ prefix: '/api' }, { prefix_rewrite: '' }, '/api?q=1'), '/?q=1');
});

test('prefix_rewrite on a case-insensitive prefix replaces the request\'s characters', () => {
  assert.equal(rewritten({ prefix: '/API', case_sensitive: false }, { prefix_rewrite: '/v1' }, '/Api/x'), '/v1/x');
});

test('prefix_rewrite on an exact path match replaces the whole path and keeps the query', () => {
  assert.equal(rewritten({ path: '/old' }, { prefix_rewrite: '/new' }, '/old?a=b'), '/new?a=b');
});

test('prefix_rewrite with a safe_regex match is a load error', () => {
  assert.throws(() => buildRouter(oneHost([{ match: { safe_regex: '/a' }, route: { cluster: 'c', prefix_rewrite: '/' } }])), /prefix_rewrite: needs a prefix or path match/);
});

test('regex_rewrite substitutes $1 groups on the path', () => {
  const rx = { regex_rewrite: { pattern: '^/users/([0-9]+)/profile$', substitution: '/profiles/$1' } };
  assert.equal(rewritten({ prefix: '/users' }, rx, '/users/42/profile'), '/profiles/42');
});

test('regex_rewrite keeps the query and never rewrites it', () => {
  const rx = { regex_rewrite: { pattern: 'a', substitution: 'b' } };
  assert.equal(rewritten({ prefix: '/' }, rx, '/aa?a=a'), '/bb?a=a');
});

test('regex_rewrite accepts Envoy-style \\1 groups', () => {
  const rx = { regex_rewrite: { pattern: '^/(\\w+)/(\\w+)$', substitution: '/\\2/\\1' } };
  assert.equal(rewritten({ prefix: '/' }, rx, '/a/b'), '/b/a');
});

test('regex_rewrite leaves a non-matching path alone', () => {
  const rx = { regex_rewrite: { pattern: '^/x/', substitution: '/y/' } };
  assert.equal(rewritten({ prefix: '/' }, rx, '/z/1?q'), '/z/1?q');
});

test('prefix_rewrite and regex_rewrite together are a load error', () => {
  const rc = oneHost([{ match: { prefix: '/' }, route: { cluster: 'c', prefix_rewrite: '/', regex_rewrite: { pattern: 'a', substitution: 'b' } } }]);
  assert.throws(() => buildRouter(rc), /exclusive/);
});

test('host_rewrite is exposed for the upstream Host header', () => {
  const r = asCluster(routeOf(oneHost([{ match: { prefix: '/' }, route: { cluster: 'c', host_rewrite: 'internal.svc' } }]), req('/')));
  assert.equal(r.hostRewrite, 'internal.svc');
});
