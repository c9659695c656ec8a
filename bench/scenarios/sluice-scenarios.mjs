// The Sluice configurations under test, as data: each scenario names its filters (by module
// role), worker count, protocols and cores; `sluiceConfig()` turns one into a config file.
// To add a scenario, add a row; to point a role at another module, set its env variable
// (e.g. BENCH_HEADER_FILTER=path/to.wasm[:root_id]) or add a candidate path.
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Module roles: where to find each kind of filter, and how to configure it. */
export const FILTER_ROLES = {
  header: {
    env: 'BENCH_HEADER_FILTER',
    candidates: ['filters/build/header-mutation.wasm'],
    scan: { dir: 'dist/test/wasm', pattern: /header/i },
    rootId: 'header-mutation',
    // filters/header-mutation: each filter reads the Host header (a template) and writes one
    // request and one response header.
    configuration: (i) => ({
      request: { set: [{ name: `x-bench-${i}`, value: '%REQ(host)%' }] },
      response: { set: [{ name: `x-bench-resp-${i}`, value: '%REQ(host)%' }] },
    }),
  },
  // dist/test/wasm/bench_headers.wasm (test/wasm/bench_headers.ts): the smallest realistic
  // header filter — reads :path, adds a request and a response header — so the host's own cost
  // per filter shows, apart from header-mutation's templates.
  minimal: {
    env: 'BENCH_MINIMAL_FILTER',
    candidates: ['dist/test/wasm/bench_headers.wasm'],
    scan: { dir: 'dist/test/wasm', pattern: /^bench_headers/ },
    rootId: '',
    configuration: () => undefined,
  },
  // dist/test/wasm/bench_body.wasm (test/wasm/bench_body.ts): buffers the whole request body
  // and reads it once at end of stream, as a validating or signing filter must.
  body: {
    env: 'BENCH_BODY_FILTER',
    candidates: ['dist/test/wasm/bench_body.wasm'],
    scan: { dir: 'dist/test/wasm', pattern: /^bench_body/ },
    rootId: '',
    configuration: () => undefined,
  },
};

/** Rows: id, label, filter roles (in order), workers, protocols, core list for the proxy. */
export const SLUICE_SCENARIOS = [
  { id: 'sluice', label: 'Sluice, no filters', filters: [], workers: 1, protocols: ['h1', 'h2'] },
  { id: 'sluice-wasm1', label: 'Sluice, 1 header filter', filters: ['header'], workers: 1, protocols: ['h1'] },
  { id: 'sluice-wasm3', label: 'Sluice, 3 header filters', filters: ['header', 'header', 'header'], workers: 1, protocols: ['h1'] },
  { id: 'sluice-min3', label: 'Sluice, 3 minimal header filters', filters: ['minimal', 'minimal', 'minimal'], workers: 1, protocols: ['h1'] },
  { id: 'sluice-body', label: 'Sluice, body-reading filter', filters: ['body'], workers: 1, protocols: ['h1'] },
  // Two workers need two cores; on a 2-core box they share core 1 with the load and upstream.
  { id: 'sluice-workers2', label: 'Sluice, workers: 2', filters: [], workers: 2, protocols: ['h1'], cpus: '0,1' },
];

/**
 * Finds the module file for a role: env override, then candidate paths, then a scan.
 * @returns {{file: string, rootId: string} | {missing: string}}
 */
export function resolveFilterModule(root, role) {
  const spec = FILTER_ROLES[role];
  const override = process.env[spec.env];
  if (override) {
    const [file, rootId] = override.split(':');
    const abs = resolve(root, file);
    return existsSync(abs) ? { file: abs, rootId: rootId ?? spec.rootId } : { missing: `${spec.env}=${override}: no such file` };
  }
  for (const c of spec.candidates) {
    if (existsSync(join(root, c))) return { file: join(root, c), rootId: spec.rootId };
  }
  const dir = join(root, spec.scan.dir);
  if (existsSync(dir)) {
    const hit = readdirSync(dir).filter((f) => f.endsWith('.wasm') && spec.scan.pattern.test(f)).sort()[0];
    if (hit) return { file: join(dir, hit), rootId: spec.rootId };
  }
  return { missing: `no ${role} filter module (looked for ${spec.candidates.join(', ')}, ${spec.scan.dir}/*${spec.scan.pattern.source}*.wasm; set ${spec.env})` };
}

/** Resolves every filter of a scenario; returns {filters} or {missing}. */
export function resolveScenarioFilters(root, scenario) {
  const filters = [];
  for (const [i, role] of scenario.filters.entries()) {
    const mod = resolveFilterModule(root, role);
    if ('missing' in mod) return { missing: mod.missing };
    const configuration = FILTER_ROLES[role].configuration(i + 1);
    filters.push({
      name: `${role}-${i + 1}`,
      wasm: {
        file: mod.file,
        root_id: mod.rootId,
        ...(configuration === undefined ? {} : { configuration }),
        failure_policy: 'fail_closed',
      },
    });
  }
  return { filters };
}

/** Builds the Sluice config object (DESIGN.md's config contract) for one scenario. */
export function sluiceConfig({ scenario, filters, port, adminPort, upstream }) {
  return {
    admin: { address: `127.0.0.1:${adminPort}` },
    workers: scenario.workers,
    access_log: { path: 'stderr', disabled: true },
    listeners: [{
      name: 'bench',
      address: `127.0.0.1:${port}`,
      ...(filters.length ? { http_filters: filters } : {}),
      route_config: 'main',
      // Idle keep-alive connections must outlive the idle-connection measurement.
      limits: { idle_timeout: '300s' },
    }],
    route_configs: [{
      name: 'main',
      virtual_hosts: [{ name: 'all', domains: ['*'], routes: [{ match: { prefix: '/' }, route: { cluster: 'upstream' } }] }],
    }],
    clusters: [{
      name: 'upstream',
      lb_policy: 'round_robin',
      max_connections_per_endpoint: 128,
      endpoints: [{ address: `127.0.0.1:${upstream.port}` }],
    }],
  };
}
