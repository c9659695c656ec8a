/**
 * Semantic checks on what listeners bind and load: no two sockets on one host:port, every wasm
 * module file present (relative paths resolve against the config file's directory), and filter
 * chains that make sense (terminals, references, TLS files that hold a usable cert and key).
 */
import { readFileSync, statSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { resolve } from 'node:path';
import { isWildcardHost, parseAddress, type HostPort } from './address.js';
import type { ConfigError } from './errors.js';
import type { SluiceConfig, TcpProxyConfig, TlsConfig } from './types.js';
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

/** Wasm files (http and network filters, listener-level and per chain) that do not exist or are not files. */
export function checkWasmFiles(config: SluiceConfig, baseDir: string): ConfigError[] {
  const out: ConfigError[] = [];
  const check = (filters: readonly { wasm: { file: string } }[] | undefined, ...at: (string | number)[]): void => {
    (filters ?? []).forEach((f, j) => checkFile(out, baseDir, f.wasm.file, segPath(...at, j, 'wasm', 'file')));
  };
  config.listeners.forEach((l, i) => {
    check(l.http_filters, 'listeners', i, 'http_filters');
    check(l.network_filters, 'listeners', i, 'network_filters');
    (l.filter_chains ?? []).forEach((c, k) => {
      check(c.http_filters, 'listeners', i, 'filter_chains', k, 'http_filters');
      check(c.network_filters, 'listeners', i, 'filter_chains', k, 'network_filters');
    });
  });
  return out;
}

/** pathOf over a segment list (the first segment is the top-level key). */
function segPath(...seg: (string | number)[]): string {
  return pathOf(String(seg[0]), ...seg.slice(1));
}

function checkFile(out: ConfigError[], baseDir: string, file: string, path: string): boolean {
  const stat = statSync(resolve(baseDir, file), { throwIfNoEntry: false });
  if (stat === undefined) out.push({ path, message: `no such file: ${file}` });
  else if (!stat.isFile()) out.push({ path, message: `not a file: ${file}` });
  return stat?.isFile() === true;
}

/** The terminal of a listener's implicit chain or of a filter chain. */
interface ChainLike {
  route_config?: string;
  tcp_proxy?: TcpProxyConfig;
  http_filters?: unknown[];
  tls?: TlsConfig;
}

/**
 * Listener chains: a terminal on every listener (route_config, tcp_proxy or filter_chains), not
 * both terminals at once, http_filters only in front of HTTP, known route configs and clusters,
 * and TLS blocks whose files exist and hold a usable certificate and key.
 */
export function checkListenerChains(config: SluiceConfig, baseDir: string): ConfigError[] {
  const out: ConfigError[] = [];
  const routeConfigs = new Set((config.route_configs ?? []).map((r) => r.name));
  const clusters = new Set((config.clusters ?? []).map((c) => c.name));
  const chain = (c: ChainLike, base: (string | number)[], listenerLevel: boolean): void => {
    if (c.route_config !== undefined && c.tcp_proxy !== undefined) {
      out.push({ path: segPath(...base), message: 'needs exactly one of route_config, tcp_proxy' });
    }
    if (c.tcp_proxy !== undefined && (c.http_filters?.length ?? 0) > 0) {
      out.push({ path: segPath(...base, 'http_filters'), message: 'http_filters need route_config (not with tcp_proxy)' });
    }
    if (!listenerLevel && c.route_config !== undefined && !routeConfigs.has(c.route_config)) {
      out.push({ path: segPath(...base, 'route_config'), message: `unknown route config '${c.route_config}'` });
    }
    if (c.tcp_proxy !== undefined && !clusters.has(c.tcp_proxy.cluster)) {
      out.push({ path: segPath(...base, 'tcp_proxy', 'cluster'), message: `unknown cluster '${c.tcp_proxy.cluster}'` });
    }
    if (c.tls !== undefined) checkTls(out, baseDir, c.tls, [...base, 'tls']);
  };
  config.listeners.forEach((l, i) => {
    if (l.route_config === undefined && l.tcp_proxy === undefined && l.filter_chains === undefined) {
      out.push({ path: pathOf('listeners', i), message: "missing required key 'route_config' (or tcp_proxy, filter_chains)" });
    }
    if (l.route_config === undefined && l.tcp_proxy === undefined) {
      for (const k of ['tls', 'network_filters', 'http_filters'] as const) {
        if (l[k] !== undefined) out.push({ path: pathOf('listeners', i, k), message: 'needs route_config or tcp_proxy on the listener (or move it into a filter chain)' });
      }
    }
    chain(l, ['listeners', i], true);
    (l.filter_chains ?? []).forEach((c, k) => chain(c, ['listeners', i, 'filter_chains', k], false));
  });
  return out;
}

function checkTls(out: ConfigError[], baseDir: string, tls: TlsConfig, at: (string | number)[]): void {
  const single = tls.cert_file !== undefined || tls.key_file !== undefined;
  if (single && tls.certificates !== undefined) {
    out.push({ path: segPath(...at), message: 'needs either cert_file and key_file, or certificates, not both' });
  } else if (!single && tls.certificates === undefined) {
    out.push({ path: segPath(...at), message: 'needs cert_file and key_file, or certificates' });
  } else if (single && (tls.cert_file === undefined || tls.key_file === undefined)) {
    out.push({ path: segPath(...at), message: 'cert_file and key_file go together' });
  }
  const pairs = single
    ? [{ cert: tls.cert_file, key: tls.key_file, path: at }]
    : (tls.certificates ?? []).map((c, j) => ({ cert: c.cert_file, key: c.key_file, path: [...at, 'certificates', j] }));
  for (const p of pairs) {
    if (p.cert === undefined || p.key === undefined) continue;
    const okCert = checkFile(out, baseDir, p.cert, segPath(...p.path, 'cert_file'));
    const okKey = checkFile(out, baseDir, p.key, segPath(...p.path, 'key_file'));
    if (!okCert || !okKey) continue;
    try {
      createSecureContext({ cert: readFileSync(resolve(baseDir, p.cert)), key: readFileSync(resolve(baseDir, p.key)) });
    } catch (err) {
      out.push({ path: segPath(...p.path), message: `unusable certificate or key: ${(err as Error).message}` });
    }
  }
  const mode = tls.client_certificate;
  if (tls.client_ca_file !== undefined) checkFile(out, baseDir, tls.client_ca_file, segPath(...at, 'client_ca_file'));
  else if (mode === 'optional' || mode === 'required') {
    out.push({ path: segPath(...at, 'client_certificate'), message: `'${mode}' needs client_ca_file` });
  }
}
