// Flags of `npm run bench -- [flags]`. Every flag also reads from an env variable
// (BENCH_<FLAG> with dashes as underscores, e.g. BENCH_DURATION=3); a flag beats its variable.

/** Defaults: DESIGN.md's layout — median of 3 × 10 s, wrk -t1 -c50, h2load -c10 -m10. */
export const DEFAULTS = {
  runs: 3,
  duration: 10,
  warmup: 2,
  connections: 50,
  threads: 1,
  'h2-connections': 10,
  'h2-streams': 10,
  bodies: '0,1024,65536',
  protocols: 'h1,h2',
  only: '',
  skip: '',
  'idle-conns': 10000,
  upstream: 'nginx',
  load: 'auto',
  install: true,
  pin: true,
  'max-minutes': 0,
  'retry-noisy': 0,
  'half-rate': true,
  soak: 10,
  'soak-targets': 'sluice,sluice-wasm1',
  'noisy-share': 0.1,
  out: 'bench/results',
  quick: false,
  'dry-run': false,
};

/** What --quick changes: one 3 s run, 1 s warm-up, 0-byte bodies, HTTP/1.1 only, no half-rate run, no soak. */
export const QUICK = { runs: 1, duration: 3, warmup: 1, bodies: '0', protocols: 'h1', 'idle-conns': 2000, 'half-rate': false, soak: 0 };

const BOOLEAN = new Set(['install', 'pin', 'quick', 'half-rate', 'dry-run']);
const NUMERIC = new Set(['retry-noisy', 'noisy-share', 'runs', 'duration', 'warmup', 'connections', 'threads', 'h2-connections', 'h2-streams', 'idle-conns', 'max-minutes', 'soak']);

export const USAGE = `usage: npm run bench -- [flags]
  --quick              1 run x 3 s, 0 B bodies, HTTP/1.1 only, 2,000 idle conns, no half-rate
                       run, no soak (~1-2 min)
  --runs N             runs per case, median reported (3)
  --duration S         seconds per run (10)
  --warmup S           warm-up seconds per target and protocol, not measured (2)
  --connections N      wrk/autocannon connections (50); --threads N wrk threads (1)
  --h2-connections N   h2load connections (10); --h2-streams N streams per connection (10)
  --bodies LIST        request body sizes in bytes, 0 = GET (0,1024,65536)
  --protocols LIST     h1,h2 (both)
  --only LIST          target ids to run (e.g. node-floor,fastify-http-proxy,sluice)
  --skip LIST          target ids to leave out
  --idle-conns N       idle keep-alive connections for the KB/conn test, 0 = off (10000)
  --upstream nginx|node   upstream server (nginx, Node fallback when absent)
  --load auto|autocannon  force autocannon for HTTP/1.1 (auto: wrk when installed)
  --no-half-rate       skip the p99-at-half-the-peak-rate run (paced wrk); off in --quick
  --soak MINUTES       RSS soak at half the peak rate for each --soak-targets, 0 = off (10; 0 in --quick)
  --soak-targets LIST  targets that get the soak (sluice,sluice-wasm1)
  --no-install         never apt-get install missing tools
  --no-pin             do not pin with taskset
  --max-minutes M      hard bound on the whole run (default: estimate x 1.5 + 3)
  --retry-noisy N      re-run a measurement up to N times while other processes took more
                       than --noisy-share (0.1) of the proxy's cpu during it (0 = never)
  --out DIR            results directory (bench/results)
  --dry-run            print the plan and its estimated time, start nothing
Targets: direct, nginx, haproxy, node-floor, fastify-http-proxy, http-proxy, sluice,
  sluice-wasm1, sluice-wasm3, sluice-min3, sluice-body, sluice-workers2`;

/** Parses argv + env into an options object; throws on an unknown flag. */
export function parseOptions(argv, env) {
  const opts = { ...DEFAULTS };
  for (const key of Object.keys(DEFAULTS)) {
    const v = env[`BENCH_${key.toUpperCase().replace(/-/g, '_')}`];
    if (v !== undefined && v !== '') opts[key] = coerce(key, v);
  }
  const given = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-h' || a === '--help') return { help: true };
    if (!a.startsWith('--')) throw new Error(`unexpected argument: ${a}`);
    let [key, value] = a.slice(2).split(/=(.*)/s, 2);
    if (key.startsWith('no-') && BOOLEAN.has(key.slice(3))) {
      given[key.slice(3)] = false;
      continue;
    }
    if (!(key in DEFAULTS)) throw new Error(`unknown flag --${key}\n${USAGE}`);
    if (BOOLEAN.has(key)) {
      given[key] = value === undefined ? true : coerce(key, value);
      continue;
    }
    if (value === undefined) value = argv[++i];
    if (value === undefined) throw new Error(`--${key} needs a value`);
    given[key] = coerce(key, value);
  }
  if (given.quick ?? opts.quick) Object.assign(opts, QUICK);
  Object.assign(opts, given);
  return {
    ...opts,
    bodies: list(opts.bodies).map(Number),
    protocols: list(opts.protocols),
    only: list(opts.only),
    skip: list(opts.skip),
    'soak-targets': list(opts['soak-targets']),
  };
}

function coerce(key, v) {
  if (BOOLEAN.has(key)) return typeof v === 'boolean' ? v : !/^(0|false|no)$/i.test(String(v));
  if (NUMERIC.has(key)) {
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new Error(`--${key}: not a number: ${v}`);
    return n;
  }
  return String(v);
}

function list(v) {
  return String(v).split(',').map((s) => s.trim()).filter(Boolean);
}
