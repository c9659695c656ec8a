/** gRPC helpers: grpc-timeout parsing, HTTP → gRPC status mapping, grpc-message encoding. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { effectiveTimeoutMs, encodeGrpcMessage, grpcStatusForHttp, parseGrpcTimeout } from '../../host/http/grpc.js';

test('grpc-timeout units parse to ms, rounded up; malformed values are ignored', () => {
  assert.equal(parseGrpcTimeout('200m'), 200);
  assert.equal(parseGrpcTimeout('5S'), 5000);
  assert.equal(parseGrpcTimeout('1H'), 3_600_000);
  assert.equal(parseGrpcTimeout('10u'), 1);
  assert.equal(parseGrpcTimeout('5'), undefined);
  assert.equal(parseGrpcTimeout('123456789S'), undefined);
  assert.equal(parseGrpcTimeout('1x'), undefined);
});

test('grpc-timeout caps the route timeout and applies when the route has none', () => {
  assert.equal(effectiveTimeoutMs(15_000, '100m'), 100);
  assert.equal(effectiveTimeoutMs(50, '10S'), 50);
  assert.equal(effectiveTimeoutMs(0, '2S'), 2000);
  assert.equal(effectiveTimeoutMs(15_000, ''), 15_000);
});

test('HTTP statuses of local replies map to gRPC codes', () => {
  assert.deepEqual([503, 404, 504, 401, 403, 429, 502, 500].map(grpcStatusForHttp), [14, 12, 4, 16, 7, 8, 14, 2]);
});

test('grpc-message is percent-encoded outside printable ASCII', () => {
  assert.equal(encodeGrpcMessage('plain text'), 'plain text');
  assert.equal(encodeGrpcMessage('100% sûr'), '100%25 s%C3%BBr');
});
