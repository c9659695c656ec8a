/**
 * Semantic checks on what listeners bind and load: no two sockets on one host:port, and every
 * wasm module file present (relative paths resolve against the config file's directory).
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { isWildcardHost, parseAddress, type HostPort } from './address.js';
import type { ConfigError } from './errors.js';
import type { SluiceConfig } from './types.js';
import { pathOf } from './walk.js';

interface Bind {
  path: string;
  text: string;
  addr: HostPort;
}

/** Two binds clash on the same port when the hosts are equal or either is a wildcard. Port 0
 *  (an ephemeral port) never clashes. */
function clashes(a: HostPort, b: HostPort): boolean {
  if (a.port === 0 || a.port !== b.port) return false;
  return a.host === b.host || isWildcardHost(a.host) || isWildcardHost(b.host);
}

/** Listeners (and admin) sharing a host:port; the later one in the file is reported. */
export function checkPortClashes(config: SluiceConfig): ConfigError[] {
  const binds: Bind[] = [];
  config.listeners.forEach((l, i) => binds.push(bindOf(pathOf('listeners', i, 'address'), l.address)));
  if (config.admin) binds.push(bindOf('admin.address', config.admin.address));
  const out: ConfigError[] = [];
  binds.forEach((b, i) => {
    const earlier = binds.slice(0, i).find((e) => clashes(e.addr, b.addr));
    if (earlier) out.push({ path: b.path, message: `clashes with ${earlier.path} (${earlier.text})` });
  });
  return out;
}

function bindOf(path: string, text: string): Bind {
  // The schema has already checked the format, so parseAddress succeeds here.
  return { path, text, addr: parseAddress(text) ?? { host: text, port: 0, family: 0 } };
}

/** Wasm files that do not exist or are not regular files. */
export function checkWasmFiles(config: SluiceConfig, baseDir: string): ConfigError[] {
  const out: ConfigError[] = [];
  config.listeners.forEach((l, i) => {
    (l.http_filters ?? []).forEach((f, j) => {
      const file = f.wasm.file;
      const path = pathOf('listeners', i, 'http_filters', j, 'wasm', 'file');
      const stat = statSync(resolve(baseDir, file), { throwIfNoEntry: false });
      if (stat === undefined) out.push({ path, message: `no such file: ${file}` });
      else if (!stat.isFile()) out.push({ path, message: `not a file: ${file}` });
    });
  });
  return out;
}
