/**
 * The conformance harness: a real Gateway (started from YAML through parseConfigText, listeners
 * and admin on 127.0.0.1:0) in front of a real recording upstream, with the `script` module as
 * http filter. The gateway's log is collected, so tests read what the script reported
 * (`proxy_log` lines) next to what the client and the upstream saw and /stats/prometheus.
 *
 * One gateway per test file (start it at the top, stop it in the file's `after` hook; tests of a
 * file run one after the other): each listener has its own filter(s) and route config; each route
 * may give a filter another plugin configuration (routes[].filters.<name>.configuration), which
 * runs on its own VM. Scripts start with "tag <name>", so `wasm(tag)` picks one VM's lines.
 */
import { stringify } from 'yaml';
import { parseConfigText } from '../../host/config/load.js';
import { Gateway } from '../../host/gateway.js';
import { createLogger } from '../../host/observability/logger.js';
import { send, type ClientRequest, type ClientResponse } from './client.js';
import { startRecordingUpstream, type RecordingUpstream } from './upstream.js';

/** Where build-wasm puts the test modules (dist/test/wasm). */
export const WASM_DIR = new URL('../wasm/', import.meta.url).pathname;

export interface FilterSpec {
  name: string;
  /** Script lines (the plugin configuration). */
  script?: string[];
  /** Module file in dist/test/wasm; default script.wasm. */
  file?: string;
  /** Other wasm keys: failure_policy, callback_timeout, memory_limit_mb, vm_id, … */
  wasm?: Record<string, unknown>;
}

export interface RouteSpec {
  /** Path prefix. */
  prefix: string;
  /** Per-route filter overrides: script lines (a configuration) or `false` (disabled). */
  filters?: Record<string, string[] | false>;
  /** Default: the `up` cluster. */
  direct?: { status: number; body?: string };
}

export interface ListenerSpec {
  name: string;
  filters: FilterSpec[];
  /** Tried in order; a catch-all `/` to the upstream is appended. */
  routes?: RouteSpec[];
  limits?: Record<string, unknown>;
}

export interface LogLine {
  level: string;
  msg: string;
  filter?: string;
  [k: string]: unknown;
}

export interface Conformance {
  gateway: Gateway;
  upstream: RecordingUpstream;
  adminPort: number;
  /** Everything the gateway logged, parsed. */
  lines: LogLine[];
  /** Port of listener `name`. */
  port(name: string): number;
  /** Sends a request to listener `name`. */
  send(name: string, r?: ClientRequest): Promise<ClientResponse>;
  /** What the script logged: lines of `filter` (all filters when absent), tagged `tag`, tag removed. */
  wasm(tag: string, filter?: string): string[];
  /** Error-level log messages. */
  errors(): string[];
  /** The body of GET /stats/prometheus on the admin listener. */
  stats(): Promise<string>;
  /** Stops gateway and upstream. */
  stop(): Promise<void>;
}

/** The clusters every conformance gateway has: `up` (the recording upstream) and `dead` (a refused port). */
function clusters(up: RecordingUpstream): unknown[] {
  return [
    { name: 'up', endpoints: [{ address: up.address }], connect_timeout: '1s' },
    { name: 'dead', endpoints: [{ address: '127.0.0.1:1' }], connect_timeout: '1s' },
  ];
}

function filterConfig(f: FilterSpec): unknown {
  const wasm: Record<string, unknown> = { file: f.file ?? 'script.wasm', ...f.wasm };
  if (f.script) wasm.configuration = f.script.join('\n');
  return { name: f.name, wasm };
}

function routeConfig(r: RouteSpec): unknown {
  const out: Record<string, unknown> = { match: { prefix: r.prefix } };
  if (r.direct) out.direct_response = r.direct;
  else out.route = { cluster: 'up', timeout: '5s' };
  if (r.filters) {
    const overrides: Record<string, unknown> = {};
    for (const [name, v] of Object.entries(r.filters)) overrides[name] = v === false ? { disabled: true } : { configuration: v.join('\n') };
    out.filters = overrides;
  }
  return out;
}

/** The gateway config as YAML (what an operator would write). */
export function gatewayYaml(listeners: ListenerSpec[], up: RecordingUpstream): string {
  return stringify({
    admin: { address: '127.0.0.1:0' },
    listeners: listeners.map((l) => ({
      name: l.name, address: '127.0.0.1:0', route_config: `rc_${l.name}`, drain_timeout: '200ms',
      http_filters: l.filters.map(filterConfig), ...(l.limits ? { limits: l.limits } : {}),
    })),
    route_configs: listeners.map((l) => ({
      name: `rc_${l.name}`,
      virtual_hosts: [{ name: 'all', domains: ['*'], routes: [...(l.routes ?? []), { prefix: '/' }].map(routeConfig) }],
    })),
    clusters: clusters(up),
  });
}

/** Starts upstream and gateway for `listeners`; `stop()` ends both. */
export async function startConformance(listeners: ListenerSpec[]): Promise<Conformance> {
  const upstream = await startRecordingUpstream();
  const lines: LogLine[] = [];
  const log = createLogger({ level: 'debug', write: (l) => lines.push(JSON.parse(l) as LogLine) });
  const loaded = parseConfigText(gatewayYaml(listeners, upstream), { format: 'yaml', baseDir: WASM_DIR });
  const gateway = await Gateway.start(loaded, { log }).catch(async (err: unknown) => {
    await upstream.close();
    throw err;
  });
  const ports = new Map(gateway.listeners().map((l) => [l.name, l.port]));
  const adminPort = gateway.admin!.port;
  const port = (name: string): number => {
    const p = ports.get(name);
    if (p === undefined) throw new Error(`no listener ${name}`);
    return p;
  };
  return {
    gateway, upstream, adminPort, lines, port,
    send: (name, r) => send(port(name), r),
    wasm: (tag, filter) => wasmLines(lines, tag, filter),
    errors: () => lines.filter((l) => l.level === 'error').map((l) => l.msg),
    stats: async () => (await send(adminPort, { path: '/stats/prometheus' })).body,
    stop: async () => {
      await gateway.stop({ drainTimeoutMs: 200 });
      await upstream.close();
    },
  };
}

/** `wasm log <filter>: [<tag>] text` → text. */
function wasmLines(lines: LogLine[], tag: string, filter?: string): string[] {
  const prefix = `[${tag}] `;
  const out: string[] = [];
  for (const l of lines) {
    const m = /^wasm log ([^:]*): (.*)$/s.exec(l.msg);
    if (!m || (filter !== undefined && m[1] !== filter) || !m[2]!.startsWith(prefix)) continue;
    out.push(m[2]!.slice(prefix.length));
  }
  return out;
}

/** A per-route or filter script: "tag <tag>" then `lines`. */
export function tagged(tag: string, ...lines: string[]): string[] {
  return [`tag ${tag}`, ...lines];
}

/** Waits (bounded) until `cond` holds; throws with `what` after `ms`. For async host events. */
export async function until(cond: () => boolean, what = 'condition', ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`${what} not reached within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Resolves after `ms` (only to let a timer that must NOT fire have its chance). */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
