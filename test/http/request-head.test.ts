import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dropHopByHop, finishUpstreamHeaders, scanRequestHead, splitAbsoluteForm } from '../../host/http/request-head.js';
import { filterResponseHeaders } from '../../host/http/response-head.js';

test('scanRequestHead drops hop-by-hop and Connection-named headers, finds Host and the body', () => {
  const head = scanRequestHead([
    'Host', 'a.test', 'Connection', 'close, X-Secret', 'X-Secret', 's', 'Transfer-Encoding', 'chunked',
    'Upgrade', 'h2c', 'X-Forwarded-For', '1.2.3.4', 'Accept', '*/*',
  ]);
  assert.equal(head.authority, 'a.test');
  assert.ok(head.hasBody);
  assert.deepEqual(head.headers, ['x-forwarded-for', '1.2.3.4', 'accept', '*/*']);
  assert.deepEqual(finishUpstreamHeaders(head, 'a.test', 'rid', '10.0.0.1', 'http'), [
    'x-forwarded-for', '1.2.3.4, 10.0.0.1', 'accept', '*/*', 'host', 'a.test', 'x-request-id', 'rid', 'x-forwarded-proto', 'http',
  ]);
});

test('Content-Length: 0 is no body', () => {
  assert.equal(scanRequestHead(['Content-Length', '0']).hasBody, false);
  assert.equal(scanRequestHead(['Content-Length', '3']).hasBody, true);
});

test('dropHopByHop keeps te: trailers only', () => {
  assert.deepEqual(dropHopByHop(['te', 'trailers', 'connection', 'x', 'a', '1', 'te', 'gzip']), ['te', 'trailers', 'a', '1']);
});

test('splitAbsoluteForm', () => {
  assert.deepEqual(splitAbsoluteForm('http://h:8080/p?q'), { authority: 'h:8080', path: '/p?q' });
  assert.deepEqual(splitAbsoluteForm('https://h'), { authority: 'h', path: '/' });
  assert.deepEqual(splitAbsoluteForm('http://h?q=1'), { authority: 'h', path: '/?q=1' });
  assert.equal(splitAbsoluteForm('*'), undefined);
});

test('filterResponseHeaders lower-cases names and drops hop-by-hop ones', () => {
  const raw = ['Content-Type', 'text/plain', 'Connection', 'x-private', 'X-Private', '1', 'Keep-Alive', 'timeout=5', 'Set-Cookie', 'a=1', 'Set-Cookie', 'b=2'].map((s) => Buffer.from(s));
  assert.deepEqual(filterResponseHeaders(raw), ['content-type', 'text/plain', 'set-cookie', 'a=1', 'set-cookie', 'b=2']);
});
