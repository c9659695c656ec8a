import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseConfigText } from '../../host/config/load.js';
import { FilterJournal } from '../../host/process/filter-journal.js';

const ok = [{ ok: true }];

function loaded(file: string) {
  return parseConfigText(JSON.stringify({
    listeners: [{ name: 'l', address: '127.0.0.1:0', route_config: 'rc', http_filters: [{ name: 'f', wasm: { file } }] }],
    route_configs: [{ name: 'rc', virtual_hosts: [{ name: 'a', domains: ['*'], routes: [{ match: { prefix: '/' }, direct_response: { status: 200 } }] }] }],
  }), { format: 'json', baseDir: process.cwd() });
}

const A = join(process.cwd(), 'dist', 'test', 'wasm', 'reload_version.wasm');
const B = join(process.cwd(), 'dist', 'test', 'wasm', 'script.wasm');

test('the journal replays the stable module (after its previous one) and a canary; refused changes are not kept', () => {
  const j = new FilterJournal();
  j.record({ kind: 'filter_load', name: 'f', module: 'v2' }, ok);
  j.record({ kind: 'filter_load', name: 'f', module: 'bad' }, [{ ok: false }]);
  j.record({ kind: 'filter_load', name: 'f', module: 'v3' }, ok);
  j.record({ kind: 'filter_load', name: 'f', module: 'v4', canary: 10 }, ok);
  assert.deepEqual(j.replay().map((c) => c.kind === 'filter_load' ? c.module : c.kind), ['v2', 'v3', 'v4']);
  j.record({ kind: 'filter_promote', name: 'f' }, ok);
  assert.deepEqual(j.replay().map((c) => c.kind === 'filter_load' ? c.module : c.kind), ['v3', 'v4']);
  j.record({ kind: 'filter_rollback', name: 'f' }, ok);
  assert.deepEqual(j.replay().map((c) => c.kind === 'filter_load' ? c.module : c.kind), ['v4', 'v3']);
});

test('a config reload ends canaries and forgets filters whose module file changed', () => {
  const j = new FilterJournal();
  j.record({ kind: 'filter_load', name: 'f', module: 'v2' }, ok);
  j.record({ kind: 'filter_load', name: 'f', module: 'v3', canary: 50 }, ok);
  j.configApplied(loaded(A), loaded(A));
  assert.deepEqual(j.replay().map((c) => c.kind === 'filter_load' ? c.module : c.kind), ['v2']);
  j.configApplied(loaded(A), loaded(B));
  assert.deepEqual(j.replay(), []);
});
