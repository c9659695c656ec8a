import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodePercent, parseQuery } from '../../host/router/request-view.js';

test('decodePercent decodes UTF-8 escapes', () => {
  assert.equal(decodePercent('caf%C3%A9%20au%20lait'), 'café au lait');
});

test('decodePercent returns the same string when there is nothing to decode', () => {
  const s = 'plain+text';
  assert.equal(decodePercent(s), s);
});

test('decodePercent keeps malformed escapes instead of throwing', () => {
  assert.equal(decodePercent('100%'), '100%');
  assert.equal(decodePercent('%zz%4'), '%zz%4');
  assert.equal(decodePercent('%FF'), '\uFFFD');
});

test('parseQuery splits names and values after the "?"', () => {
  const q = parseQuery('/p?a=1&b&c=x%3Dy&&=v', 2);
  assert.deepEqual([...q], [['a', '1'], ['b', ''], ['c', 'x=y'], ['', 'v']]);
});

test('parseQuery stops at a fragment', () => {
  assert.deepEqual([...parseQuery('/?a=1#b=2', 1)], [['a', '1']]);
});
