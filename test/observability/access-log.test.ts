import { strict as assert } from 'node:assert';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { newStreamInfo, type StreamInfo } from '../../host/http/stream-info.js';
import { createAccessLog } from '../../host/observability/access-log.js';
import { createLogger } from '../../host/observability/logger.js';

const FIELDS = [
  'time', 'method', 'path', 'protocol', 'status', 'duration_ms', 'upstream_host', 'upstream_cluster', 'route',
  'bytes_received', 'bytes_sent', 'response_flags', 'response_code_details', 'request_id',
  'downstream_remote_address', 'authority',
];

function silentLog(lines: string[] = []) {
  return createLogger({ level: 'debug', write: (l) => lines.push(l) });
}

function proxiedRequest(): StreamInfo {
  const info = newStreamInfo('public');
  info.startWallMs = Date.parse('2026-01-02T03:04:05.678Z');
  info.requestId = 'req-1';
  info.method = 'POST';
  info.path = '/api/users/42?x="1"';
  info.authority = 'api.example.com';
  info.protocol = 'HTTP/1.1';
  info.downstreamRemoteAddress = '127.0.0.1';
  info.downstreamRemotePort = 50123;
  info.routeName = 'users';
  info.clusterName = 'users';
  info.upstreamHost = '127.0.0.1:9001';
  info.responseCode = 201;
  info.bytesReceived = 17;
  info.bytesSent = 230;
  return info;
}

async function tempDir(t: { after(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-access-log-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function readLines(file: string): Promise<Record<string, unknown>[]> {
  const text = await readFile(file, 'utf8');
  return text.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
}

test('a proxied request is written as one JSON line with every field', async (t) => {
  const file = join(await tempDir(t), 'access.log');
  const log = createAccessLog({ path: file }, { log: silentLog() });
  log.write(proxiedRequest());
  await log.close();
  const [line, ...more] = await readLines(file);
  assert.equal(more.length, 0);
  assert.deepEqual(Object.keys(line!), FIELDS);
  const { duration_ms, ...rest } = line!;
  assert.equal(typeof duration_ms, 'number');
  assert.ok((duration_ms as number) >= 0);
  assert.deepEqual(rest, {
    time: '2026-01-02T03:04:05.678Z',
    method: 'POST',
    path: '/api/users/42?x="1"',
    protocol: 'HTTP/1.1',
    status: 201,
    upstream_host: '127.0.0.1:9001',
    upstream_cluster: 'users',
    route: 'users',
    bytes_received: 17,
    bytes_sent: 230,
    response_flags: '-',
    response_code_details: null,
    request_id: 'req-1',
    downstream_remote_address: '127.0.0.1:50123',
    authority: 'api.example.com',
  });
});

test('a local reply logs its flags space-separated, its details, and null for upstream fields', async (t) => {
  const file = join(await tempDir(t), 'access.log');
  const log = createAccessLog({ path: file }, { log: silentLog() });
  const info = newStreamInfo('public');
  info.method = 'GET';
  info.path = '/nowhere';
  info.downstreamRemoteAddress = '::1';
  info.downstreamRemotePort = 4000;
  info.responseCode = 404;
  info.responseFlags.push('NR', 'LR');
  info.responseCodeDetails = 'route_not_found';
  log.write(info);
  await log.close();
  const [line] = await readLines(file);
  assert.equal(line!.response_flags, 'NR LR');
  assert.equal(line!.response_code_details, 'route_not_found');
  assert.equal(line!.upstream_host, null);
  assert.equal(line!.upstream_cluster, null);
  assert.equal(line!.route, null);
  assert.equal(line!.downstream_remote_address, '[::1]:4000');
});

test('lines are appended to an existing file, in write order', async (t) => {
  const file = join(await tempDir(t), 'access.log');
  await writeFile(file, '{"earlier":true}\n');
  const log = createAccessLog({ path: file }, { log: silentLog() });
  for (let i = 0; i < 500; i++) {
    const info = proxiedRequest();
    info.requestId = `r${i}`;
    log.write(info);
  }
  await log.close();
  const lines = await readLines(file);
  assert.equal(lines.length, 501);
  assert.deepEqual(lines[0], { earlier: true });
  assert.deepEqual(lines.slice(1).map((l) => l.request_id), Array.from({ length: 500 }, (_, i) => `r${i}`));
});

test('a disabled or absent access log writes nothing', async (t) => {
  const dir = await tempDir(t);
  const file = join(dir, 'access.log');
  const disabled = createAccessLog({ path: file, disabled: true }, { log: silentLog() });
  disabled.write(proxiedRequest());
  await disabled.close();
  const absent = createAccessLog(undefined, { log: silentLog() });
  absent.write(proxiedRequest());
  await absent.close();
  await assert.rejects(readFile(file), { code: 'ENOENT' });
});

test('a file in a missing directory is reported once through the logger, not thrown', async (t) => {
  const dir = await tempDir(t);
  const logged: string[] = [];
  const log = createAccessLog({ path: join(dir, 'no-such-dir', 'access.log') }, { log: silentLog(logged) });
  log.write(proxiedRequest());
  log.write(proxiedRequest());
  await log.close();
  const errors = logged.map((l) => JSON.parse(l) as { level: string; msg: string }).filter((l) => l.level === 'error');
  assert.equal(errors.length, 1);
  assert.match(errors[0]!.msg, /access log/);
});
