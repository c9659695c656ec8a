/** Shared fixtures for the config tests: a valid base config and error capture helpers. */
import type { TestContext } from 'node:test';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ConfigLoadError, formatConfigErrors, parseConfigText } from '../../host/config/load.js';
import type { SluiceConfig } from '../../host/config/types.js';

/** A small valid config, fresh each call so tests can edit it. */
export function baseConfig(): SluiceConfig {
  return {
    admin: { address: '127.0.0.1:9901' },
    listeners: [{ name: 'public', address: '127.0.0.1:8080', route_config: 'main' }],
    route_configs: [
      {
        name: 'main',
        virtual_hosts: [
          {
            name: 'all',
            domains: ['*'],
            routes: [
              { match: { prefix: '/api' }, route: { cluster: 'backend' } },
              { match: { path: '/old' }, redirect: { path_redirect: '/new' } },
              { match: { prefix: '/' }, direct_response: { status: 404, body: 'nope' } },
            ],
          },
        ],
      },
    ],
    clusters: [{ name: 'backend', lb_policy: 'round_robin', endpoints: [{ address: '127.0.0.1:9001' }] }],
  };
}

/** A temp directory removed after the test; `files` maps relative names to contents. */
export function tempDir(t: TestContext, files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-config-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

/** The `path: message` lines a config (any JSON value) is rejected with; [] when it loads. */
export function errorLines(config: unknown, baseDir = tmpdir()): string[] {
  try {
    parseConfigText(JSON.stringify(config), { format: 'json', baseDir });
    return [];
  } catch (err) {
    if (!(err instanceof ConfigLoadError)) throw err;
    return formatConfigErrors(err.errors).split('\n');
  }
}

/** Edits a fresh base config and returns its error lines. */
export function errorsAfter(edit: (c: SluiceConfig & Record<string, unknown>) => void, baseDir?: string): string[] {
  const c = baseConfig() as SluiceConfig & Record<string, unknown>;
  edit(c);
  return errorLines(c, baseDir);
}

/** A loose view for writing invalid values in tests without fighting the types. */
export function loose<T>(v: T): any {
  return v;
}
