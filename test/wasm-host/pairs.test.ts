import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodePairs, encodePairs, PAIRS_MAX_COUNT } from '../../host/wasm/pairs.js';

// ABI reference §5.1 (Rust SDK SERIALIZED_MAP).
const PAIRS: [string, string][] = [[':method', 'GET'], [':path', '/bytes/1'], [':authority', 'httpbin.org'], ['Powered-By', 'proxy-wasm']];
const VECTOR = Buffer.concat([
  Buffer.from('04000000070000000300000005000000080000000a0000000b0000000a0000000a000000', 'hex'),
  Buffer.from(':method\0GET\0:path\0/bytes/1\0:authority\0httpbin.org\0Powered-By\0proxy-wasm\0', 'latin1'),
]);

test('pairs: the §5.1 test vector encodes byte for byte', () => {
  assert.deepEqual(encodePairs(PAIRS), VECTOR);
});

test('pairs: the §5.1 test vector decodes to the same pairs', () => {
  assert.deepEqual(decodePairs(VECTOR), PAIRS);
});

test('pairs: empty forms (0, 1 and 4 bytes) decode as empty', () => {
  for (const b of [Buffer.alloc(0), Buffer.alloc(1), Buffer.alloc(4)]) assert.deepEqual(decodePairs(b), []);
});

test('pairs: malformed buffers decode as empty', () => {
  const noNul = Buffer.from(VECTOR);
  noNul[4 + 32 + 7] = 0x41; // the NUL after ":method"
  assert.deepEqual(decodePairs(noNul), []);
  assert.deepEqual(decodePairs(VECTOR.subarray(0, VECTOR.length - 1)), []);
  assert.deepEqual(decodePairs(Buffer.concat([VECTOR, Buffer.from([0])])), []);
});

test('pairs: more than the pair-count limit decodes as empty', () => {
  const many = Array.from({ length: PAIRS_MAX_COUNT + 1 }, (_, i) => [`k${i}`, 'v'] as [string, string]);
  assert.deepEqual(decodePairs(encodePairs(many)), []);
});

test('pairs: binary values round-trip unchanged', () => {
  const v = String.fromCharCode(0xff, 0x80, 0x01);
  assert.deepEqual(decodePairs(encodePairs([['k', v]])), [['k', v]]);
});
