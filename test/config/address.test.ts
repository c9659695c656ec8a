import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAddress } from '../../host/config/address.js';

test('IPv4, bracketed IPv6 and hostnames parse with their port', () => {
  assert.deepEqual(parseAddress('127.0.0.1:8080'), { host: '127.0.0.1', port: 8080, family: 4 });
  assert.deepEqual(parseAddress('[::1]:0'), { host: '::1', port: 0, family: 6 });
  assert.deepEqual(parseAddress('Backend.Internal:65535'), { host: 'backend.internal', port: 65535, family: 0 });
});

test('malformed addresses are undefined', () => {
  for (const bad of ['', ':80', 'host', 'host:', 'host:-1', 'host:65536', 'host:080x', '::1:80', '[::1]', '[zz]:80', 'a..b:80', '-a:80', '1.2.3:80']) {
    assert.equal(parseAddress(bad), undefined, bad);
  }
});
