import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildRouter } from '../../host/router/build.js';
import type { DirectResponseRoute } from '../../host/router/contract.js';
import { asCluster, oneHost, req, routeOf, sequence } from './route-config.js';

test('cluster action sends to the named cluster', () => {
  const r = asCluster(routeOf(oneHost([{ match: { prefix: '/' }, route: { cluster: 'backend' } }]), req('/')));
  assert.equal(r.pickCluster(), 'backend');
  assert.deepEqual(r.clusterNames, ['backend']);
  assert.equal(r.virtualHostName, 'vh');
});

test('cluster route without rewrites keeps the path and host', () => {
  const r = asCluster(routeOf(oneHost([{ match: { prefix: '/' }, route: { cluster: 'b' } }]), req('/a?b=1')));
  assert.equal(r.rewritePath('/a?b=1'), '/a?b=1');
  assert.equal(r.hostRewrite, undefined);
});

test('weighted_clusters picks by cumulative weight with the injected random', () => {
  const rc = oneHost([
    {
      match: { prefix: '/' },
      route: { weighted_clusters: { clusters: [{ name: 'a', weight: 1 }, { name: 'b', weight: 3 }] } },
    },
  ]);
  // Total 4: a owns [0, 1), b owns [1, 4); random() is scaled by the total.
  const r = asCluster(routeOf(rc, req('/'), sequence([0, 0.24, 0.25, 0.99])));
  assert.deepEqual([r.pickCluster(), r.pickCluster(), r.pickCluster(), r.pickCluster()], ['a', 'a', 'b', 'b']);
  assert.deepEqual(r.clusterNames, ['a', 'b']);
});

test('weighted_clusters distribution follows the weights over a uniform sequence', () => {
  const rc = oneHost([
    {
      match: { prefix: '/' },
      route: { weighted_clusters: { clusters: [{ name: 'a', weight: 20 }, { name: 'b', weight: 30 }, { name: 'c', weight: 50 }] } },
    },
  ]);
  const steps = Array.from({ length: 100 }, (_, i) => i / 100);
  const r = asCluster(routeOf(rc, req('/'), sequence(steps)));
  const counts: Record<string, number> = { a: 0, b: 0, c: 0 };
  for (let i = 0; i < 100; i++) counts[r.pickCluster()]!++;
  assert.deepEqual(counts, { a: 20, b: 30, c: 50 });
});

test('a weighted cluster with weight 0 is listed but never picked', () => {
  const rc = oneHost([
    { match: { prefix: '/' }, route: { weighted_clusters: { clusters: [{ name: 'off', weight: 0 }, { name: 'on', weight: 1 }] } } },
  ]);
  const r = asCluster(routeOf(rc, req('/'), sequence([0, 0.5, 0.999])));
  assert.deepEqual([r.pickCluster(), r.pickCluster(), r.pickCluster()], ['on', 'on', 'on']);
  assert.deepEqual(r.clusterNames, ['off', 'on']);
});

test('weighted_clusters whose weights are all 0 is a load error', () => {
  const rc = oneHost([{ match: { prefix: '/' }, route: { weighted_clusters: { clusters: [{ name: 'a', weight: 0 }] } } }]);
  assert.throws(() => buildRouter(rc), /weighted_clusters\.clusters: at least one cluster/);
});

test('a route action with both cluster and weighted_clusters is a load error', () => {
  const rc = oneHost([{ match: { prefix: '/' }, route: { cluster: 'a', weighted_clusters: { clusters: [{ name: 'b', weight: 1 }] } } }]);
  assert.throws(() => buildRouter(rc), /exactly one of cluster, weighted_clusters/);
});

test('direct_response carries status, body and lower-cased headers', () => {
  const rc = oneHost([
    {
      match: { path: '/health' },
      direct_response: { status: 200, body: 'ok\n', headers: [{ name: 'Content-Type', value: 'text/plain' }] },
    },
  ]);
  const r = routeOf(rc, req('/health')) as DirectResponseRoute;
  assert.equal(r.kind, 'direct_response');
  assert.equal(r.status, 200);
  assert.equal(r.body.toString(), 'ok\n');
  assert.deepEqual(r.headers, [{ name: 'content-type', value: 'text/plain' }]);
});

test('direct_response without a body has an empty one', () => {
  const r = routeOf(oneHost([{ match: { prefix: '/' }, direct_response: { status: 204 } }]), req('/')) as DirectResponseRoute;
  assert.equal(r.body.length, 0);
});

test('a route entry with two actions is a load error', () => {
  const rc = oneHost([{ match: { prefix: '/' }, route: { cluster: 'a' }, direct_response: { status: 200 } }]);
  assert.throws(() => buildRouter(rc), /exactly one of route, redirect, direct_response/);
});

test('per-route filter overrides are carried on the route', () => {
  const filters = { auth: { disabled: true } };
  const r = routeOf(oneHost([{ match: { prefix: '/' }, route: { cluster: 'a' }, filters }]), req('/'));
  assert.deepEqual(r?.filters, filters);
});

test('the same Router serves many requests with routes shared, not rebuilt', () => {
  const router = buildRouter(oneHost([{ match: { prefix: '/' }, route: { cluster: 'a' } }]));
  assert.equal(router.route(req('/x')), router.route(req('/y')));
});
