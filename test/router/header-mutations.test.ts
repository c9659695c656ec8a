import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RouteEntryConfig, VirtualHostConfig } from '../../host/config/types.js';
import { HeaderMap } from '../../host/http/header-map.js';
import { applyToHeaderMap, applyToHeaderRecord, compileHeaderMutations } from '../../host/router/header-mutations.js';
import type { HeaderMutations, Route } from '../../host/router/contract.js';
import { oneHost, req, routeOf } from './route-config.js';

function routeWith(route: Partial<RouteEntryConfig>, vhost: Partial<VirtualHostConfig>): Route {
  const r = routeOf(oneHost([{ match: { prefix: '/' }, route: { cluster: 'c' }, ...route }], vhost), req('/'));
  assert.ok(r);
  return r;
}

test('no header changes anywhere: undefined, so the pipeline skips the step', () => {
  const r = routeWith({}, {});
  assert.equal(r.requestHeaders, undefined);
  assert.equal(r.responseHeaders, undefined);
});

test('request mutations: virtual host first, then route, so the route wins', () => {
  const r = routeWith(
    { request_headers_to_add: [{ name: 'X-Who', value: 'route' }] },
    { request_headers_to_add: [{ name: 'x-who', value: 'vhost' }] },
  );
  const h: Record<string, string | string[] | undefined> = {};
  applyToHeaderRecord(h, r.requestHeaders!);
  assert.deepEqual(r.requestHeaders!.add.map((a) => a.value), ['vhost', 'route']);
  assert.equal(h['x-who'], 'route');
});

test('response mutations: route first, then virtual host, so the virtual host wins', () => {
  const r = routeWith(
    { response_headers_to_add: [{ name: 'x-who', value: 'route' }] },
    { response_headers_to_add: [{ name: 'x-who', value: 'vhost' }] },
  );
  const h: Record<string, string | string[] | undefined> = {};
  applyToHeaderRecord(h, r.responseHeaders!);
  assert.equal(h['x-who'], 'vhost');
});

test('removals from both levels are merged and lower-cased', () => {
  const r = routeWith({ request_headers_to_remove: ['X-B'] }, { request_headers_to_remove: ['X-A'] });
  assert.deepEqual(r.requestHeaders!.remove, ['x-a', 'x-b']);
});

test('a later level\'s removal cancels an earlier level\'s add', () => {
  const m = compileHeaderMutations([
    { remove: undefined, add: [{ name: 'x-a', value: '1' }, { name: 'x-b', value: '2' }] },
    { remove: ['X-A'], add: undefined },
  ])!;
  const h: Record<string, string | string[] | undefined> = { 'x-a': 'orig' };
  applyToHeaderRecord(h, m);
  assert.deepEqual(h, { 'x-b': '2' });
});

test('a redirect and a direct response carry header mutations too', () => {
  const rc = oneHost(
    [
      { match: { path: '/r' }, redirect: {}, response_headers_to_add: [{ name: 'x-r', value: '1' }] },
      { match: { path: '/d' }, direct_response: { status: 200 }, response_headers_to_add: [{ name: 'x-d', value: '1' }] },
    ],
  );
  assert.equal(routeOf(rc, req('/r'))?.responseHeaders?.add[0]?.name, 'x-r');
  assert.equal(routeOf(rc, req('/d'))?.responseHeaders?.add[0]?.name, 'x-d');
});

const mutations: HeaderMutations = {
  remove: ['x-secret'],
  add: [
    { name: 'x-set', value: 'new', append: false },
    { name: 'x-multi', value: 'two', append: true },
    { name: 'x-fresh', value: 'v', append: true },
  ],
};

test('applyToHeaderRecord removes, replaces and appends', () => {
  const h: Record<string, string | string[] | undefined> = { 'x-secret': 's', 'x-set': ['a', 'b'], 'x-multi': 'one', other: 'o' };
  applyToHeaderRecord(h, mutations);
  assert.deepEqual(h, { 'x-set': 'new', 'x-multi': ['one', 'two'], 'x-fresh': 'v', other: 'o' });
});

test('applyToHeaderRecord appends to an array without mutating it', () => {
  const shared = ['one'];
  const h: Record<string, string | string[] | undefined> = { 'x-multi': shared };
  applyToHeaderRecord(h, { remove: [], add: [{ name: 'x-multi', value: 'two', append: true }] });
  assert.deepEqual(h['x-multi'], ['one', 'two']);
  assert.deepEqual(shared, ['one']);
});

test('applyToHeaderRecord removes before it adds', () => {
  const h: Record<string, string | string[] | undefined> = { 'x-a': 'old' };
  applyToHeaderRecord(h, { remove: ['x-a'], add: [{ name: 'x-a', value: 'new', append: true }] });
  assert.equal(h['x-a'], 'new');
});

test('applyToHeaderMap removes, replaces and appends', () => {
  const m = new HeaderMap([':path', '/', 'x-secret', 's', 'x-set', 'a', 'x-set', 'b', 'x-multi', 'one']);
  applyToHeaderMap(m, mutations);
  assert.deepEqual([...m.entries()], [
    [':path', '/'],
    ['x-set', 'new'],
    ['x-multi', 'one'],
    ['x-multi', 'two'],
    ['x-fresh', 'v'],
  ]);
  assert.equal(m.modified, true);
});
