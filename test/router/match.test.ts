import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RouteMatchConfig } from '../../host/config/types.js';
import { buildRouter } from '../../host/router/build.js';
import type { RouteRequest } from '../../host/router/contract.js';
import { oneHost, req } from './route-config.js';

/** Whether a single route with `match` matches `r`. */
function matches(match: RouteMatchConfig, r: RouteRequest): boolean {
  return buildRouter(oneHost([{ match, direct_response: { status: 200 } }])).route(r) !== null;
}

test('first matching route wins, in config order', () => {
  const router = buildRouter(
    oneHost([
      { name: 'first', match: { prefix: '/api' }, direct_response: { status: 200 } },
      { name: 'second', match: { prefix: '/api/v1' }, direct_response: { status: 200 } },
      { name: 'last', match: { prefix: '/' }, direct_response: { status: 200 } },
    ]),
  );
  assert.equal(router.route(req('/api/v1/x'))?.name, 'first');
  assert.equal(router.route(req('/other'))?.name, 'last');
});

test('a route without a name is named <vhost>/<index>', () => {
  const router = buildRouter(oneHost([{ match: { path: '/a' }, direct_response: { status: 200 } }, { match: { prefix: '/' }, direct_response: { status: 200 } }]));
  assert.equal(router.route(req('/b'))?.name, 'vh/1');
});

test('no route in the virtual host matches: null', () => {
  assert.equal(matches({ prefix: '/api' }, req('/other')), false);
});

test('prefix matches the start of the path', () => {
  assert.equal(matches({ prefix: '/api' }, req('/api/users')), true);
  assert.equal(matches({ prefix: '/api' }, req('/api')), true);
  assert.equal(matches({ prefix: '/api' }, req('/ap')), false);
});

test('prefix does not reach into the query', () => {
  assert.equal(matches({ prefix: '/a?x' }, req('/a?x=1')), false);
  assert.equal(matches({ prefix: '/a' }, req('/a?x=1')), true);
});

test('path matches the whole path, ignoring the query', () => {
  assert.equal(matches({ path: '/exact' }, req('/exact')), true);
  assert.equal(matches({ path: '/exact' }, req('/exact?q=1')), true);
  assert.equal(matches({ path: '/exact' }, req('/exact/more')), false);
  assert.equal(matches({ path: '/exact' }, req('/exac')), false);
});

test('safe_regex is fully anchored on the path without the query', () => {
  const m = { safe_regex: '/users/[0-9]+' };
  assert.equal(matches(m, req('/users/42')), true);
  assert.equal(matches(m, req('/users/42?x=y')), true);
  assert.equal(matches(m, req('/users/42/posts')), false);
  assert.equal(matches(m, req('/v1/users/42')), false);
});

test('matching is case-sensitive by default', () => {
  assert.equal(matches({ prefix: '/API' }, req('/api')), false);
  assert.equal(matches({ path: '/A' }, req('/a')), false);
  assert.equal(matches({ safe_regex: '/A' }, req('/a')), false);
});

test('case_sensitive: false folds case for prefix, path and regex', () => {
  assert.equal(matches({ prefix: '/API', case_sensitive: false }, req('/api/x')), true);
  assert.equal(matches({ path: '/Exact', case_sensitive: false }, req('/eXACT')), true);
  assert.equal(matches({ safe_regex: '/Users/[a-z]+', case_sensitive: false }, req('/USERS/BOB')), true);
  assert.equal(matches({ prefix: '/API', case_sensitive: false }, req('/apx')), false);
});

test('methods restrict the route to the listed methods', () => {
  const m = { prefix: '/', methods: ['GET', 'head'] };
  assert.equal(matches(m, req('/', { method: 'GET' })), true);
  assert.equal(matches(m, req('/', { method: 'HEAD' })), true);
  assert.equal(matches(m, req('/', { method: 'POST' })), false);
});

test('header exact matches the value exactly', () => {
  const m = { prefix: '/', headers: [{ name: 'X-Env', exact: 'prod' }] };
  assert.equal(matches(m, req('/', { headers: { 'x-env': 'prod' } })), true);
  assert.equal(matches(m, req('/', { headers: { 'x-env': 'production' } })), false);
  assert.equal(matches(m, req('/')), false);
});

test('header present matches any value, present: false requires absence', () => {
  const present = { prefix: '/', headers: [{ name: 'x-debug', present: true }] };
  const absent = { prefix: '/', headers: [{ name: 'x-debug', present: false }] };
  assert.equal(matches(present, req('/', { headers: { 'x-debug': '' } })), true);
  assert.equal(matches(present, req('/')), false);
  assert.equal(matches(absent, req('/')), true);
  assert.equal(matches(absent, req('/', { headers: { 'x-debug': '1' } })), false);
});

test('a header matcher with no condition means present', () => {
  const m = { prefix: '/', headers: [{ name: 'x-debug' }] };
  assert.equal(matches(m, req('/', { headers: { 'x-debug': '1' } })), true);
  assert.equal(matches(m, req('/')), false);
});

test('header regex is fully anchored', () => {
  const m = { prefix: '/', headers: [{ name: 'x-version', regex: 'v[0-9]+' }] };
  assert.equal(matches(m, req('/', { headers: { 'x-version': 'v12' } })), true);
  assert.equal(matches(m, req('/', { headers: { 'x-version': 'v12-beta' } })), false);
  assert.equal(matches(m, req('/')), false);
});

test('header invert negates the matcher, including on an absent header', () => {
  const m = { prefix: '/', headers: [{ name: 'x-env', exact: 'prod', invert: true }] };
  assert.equal(matches(m, req('/', { headers: { 'x-env': 'prod' } })), false);
  assert.equal(matches(m, req('/', { headers: { 'x-env': 'dev' } })), true);
  assert.equal(matches(m, req('/')), true);
});

test('a header with several values is matched on the comma-joined value', () => {
  const m = { prefix: '/', headers: [{ name: 'x-tag', exact: 'a,b' }] };
  assert.equal(matches(m, req('/', { headers: { 'x-tag': ['a', 'b'] } })), true);
  assert.equal(matches(m, req('/', { headers: { 'x-tag': ['a'] } })), false);
});

test('every header matcher must match', () => {
  const m = { prefix: '/', headers: [{ name: 'a', exact: '1' }, { name: 'b', exact: '2' }] };
  assert.equal(matches(m, req('/', { headers: { a: '1', b: '2' } })), true);
  assert.equal(matches(m, req('/', { headers: { a: '1', b: '3' } })), false);
});

test('the :authority and :method pseudo-headers can be matched', () => {
  const m = { prefix: '/', headers: [{ name: ':authority', exact: 'example.com' }, { name: ':method', exact: 'GET' }] };
  assert.equal(matches(m, req('/')), true);
  assert.equal(matches(m, req('/', { method: 'PUT' })), false);
});

test('query parameter exact matches the decoded value', () => {
  const m = { prefix: '/', query_parameters: [{ name: 'q', exact: 'a b' }] };
  assert.equal(matches(m, req('/?q=a%20b')), true);
  assert.equal(matches(m, req('/?q=a')), false);
  assert.equal(matches(m, req('/')), false);
});

test('query parameter names are decoded too', () => {
  const m = { prefix: '/', query_parameters: [{ name: 'a b', exact: '1' }] };
  assert.equal(matches(m, req('/?a%20b=1')), true);
});

test('query parameter present matches with or without a value', () => {
  const m = { prefix: '/', query_parameters: [{ name: 'debug', present: true }] };
  assert.equal(matches(m, req('/?debug')), true);
  assert.equal(matches(m, req('/?x=1&debug=0')), true);
  assert.equal(matches(m, req('/?debugger=1')), false);
});

test('query parameter regex is fully anchored on the decoded value', () => {
  const m = { prefix: '/', query_parameters: [{ name: 'id', regex: '[0-9]+' }] };
  assert.equal(matches(m, req('/?id=%31%32')), true);
  assert.equal(matches(m, req('/?id=12x')), false);
});

test('the first occurrence of a repeated query parameter is matched', () => {
  const m = { prefix: '/', query_parameters: [{ name: 'v', exact: '1' }] };
  assert.equal(matches(m, req('/?v=1&v=2')), true);
  assert.equal(matches(m, req('/?v=2&v=1')), false);
});

test('a later route still sees the query when an earlier one parsed it', () => {
  const router = buildRouter(
    oneHost([
      { name: 'a', match: { prefix: '/', query_parameters: [{ name: 'x', exact: '1' }] }, direct_response: { status: 200 } },
      { name: 'b', match: { prefix: '/', query_parameters: [{ name: 'x', exact: '2' }] }, direct_response: { status: 200 } },
    ]),
  );
  assert.equal(router.route(req('/?x=2'))?.name, 'b');
});

test('an invalid safe_regex is a load error naming the config path', () => {
  assert.throws(
    () => buildRouter(oneHost([{ match: { safe_regex: '([' }, direct_response: { status: 200 } }])),
    /virtual_hosts\[0\]\.routes\[0\]\.match\.safe_regex: invalid regex/,
  );
});

test('a match with two path kinds is a load error', () => {
  assert.throws(() => buildRouter(oneHost([{ match: { prefix: '/', path: '/a' }, direct_response: { status: 200 } }])), /exactly one of prefix, path, safe_regex/);
});
