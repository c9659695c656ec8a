import { strict as assert } from 'node:assert';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { newStreamInfo } from '../../host/http/stream-info.js';
import { createAccessLog } from '../../host/observability/access-log.js';
import { createLogger } from '../../host/observability/logger.js';
import { PIPE_ATOMIC_BYTES, packLines } from '../../host/observability/line-chunks.js';

/** A sink that records each write() as one chunk, as a pipe would see it. */
function recordingSink(chunks: string[]): Writable {
  return new Writable({
    write(chunk: Buffer, _enc, cb) {
      // close() flushes with an empty write (no bytes reach a pipe).
      if (chunk.length > 0) chunks.push(chunk.toString('utf8'));
      cb();
    },
  });
}

test('packLines keeps every chunk within the limit and on a line boundary', () => {
  const lines = Array.from({ length: 500 }, (_, i) => `${'x'.repeat(i % 97)}é${i}\n`);
  const chunks = packLines(lines, 256);
  for (const c of chunks) {
    assert.ok(Buffer.byteLength(c) <= 256, `chunk of ${Buffer.byteLength(c)} bytes`);
    assert.ok(c.endsWith('\n'));
  }
  assert.equal(chunks.join(''), lines.join(''));
});

test('packLines writes a line longer than the limit alone', () => {
  const long = `${'y'.repeat(300)}\n`;
  assert.deepEqual(packLines(['a\n', long, 'b\n'], 256), ['a\n', long, 'b\n']);
});

test('a stdout access log on a shared pipe writes whole lines of at most PIPE_BUF bytes', async () => {
  const chunks: string[] = [];
  const log = createAccessLog({ path: 'stdout' }, {
    log: createLogger({ write: () => {} }), stdio: recordingSink(chunks), sharedPipe: true,
  });
  for (let i = 0; i < 2000; i++) {
    const info = newStreamInfo('public');
    info.method = 'GET';
    info.path = `/items/${i}?pad=${'p'.repeat(i % 50)}`;
    info.responseCode = 200;
    log.write(info);
  }
  await log.close();
  assert.ok(chunks.length > 1);
  for (const c of chunks) {
    assert.ok(Buffer.byteLength(c) <= PIPE_ATOMIC_BYTES, `chunk of ${Buffer.byteLength(c)} bytes`);
    assert.ok(c.endsWith('\n'));
  }
  const lines = chunks.join('').split('\n').filter((l) => l !== '');
  assert.equal(lines.length, 2000);
  assert.equal(JSON.parse(lines[1999]!).path, `/items/1999?pad=${'p'.repeat(1999 % 50)}`);
});
