// What one `npm run bench` measures: the targets (peers, then Sluice scenarios) crossed with the
// protocols each speaks, each with the chosen body sizes; and how long that should take.
import * as direct from '../peers/direct.mjs';
import * as nginx from '../peers/nginx.mjs';
import * as haproxy from '../peers/haproxy.mjs';
import * as nodeFloor from '../peers/node-floor.mjs';
import * as fastifyProxy from '../peers/fastify-http-proxy.mjs';
import * as httpProxy from '../peers/http-proxy.mjs';
import { sluicePeer } from '../peers/sluice.mjs';
import { SLUICE_SCENARIOS } from './sluice-scenarios.mjs';

/** Every target in report order. */
export function allTargets() {
  return [direct, nginx, haproxy, nodeFloor, fastifyProxy, httpProxy, ...SLUICE_SCENARIOS.map(sluicePeer)];
}

/**
 * The (target, protocol) groups to run, after --only / --skip / --protocols. `soakMinutes` is
 * the RSS soak's length for that group: --soak for the HTTP/1.1 group of a --soak-targets id, else 0.
 * @returns {{target: object, protocol: string, bodies: number[], soakMinutes: number}[]}
 */
export function buildPlan(opts) {
  const known = new Set(allTargets().map((t) => t.id));
  const soakTargets = opts['soak-targets'] ?? [];
  for (const id of [...opts.only, ...opts.skip, ...soakTargets]) {
    if (!known.has(id)) throw new Error(`unknown target "${id}" (known: ${[...known].join(', ')})`);
  }
  const groups = [];
  for (const target of allTargets()) {
    if (opts.only.length && !opts.only.includes(target.id)) continue;
    if (opts.skip.includes(target.id)) continue;
    for (const protocol of opts.protocols) {
      if (!target.protocols.includes(protocol)) continue;
      const soakMinutes = protocol === 'h1' && opts.soak > 0 && soakTargets.includes(target.id) ? opts.soak : 0;
      groups.push({ target, protocol, bodies: opts.bodies, soakMinutes });
    }
  }
  return groups;
}

/** Seconds the plan should take when everything runs (start-up and idle test included). */
export function estimateSeconds(plan, opts) {
  let total = 10; // upstream start, tool checks
  for (const g of plan) {
    total += 3 + opts.warmup + g.bodies.length * opts.runs * (opts.duration + 1);
    if (g.protocol === 'h1' && opts['idle-conns'] > 0) total += 6 + opts['idle-conns'] / 1500;
    // The paced run at half the peak rate: a 3 s calibration, then one measured run.
    if (g.protocol === 'h1' && opts['half-rate']) total += opts.duration + 6;
    // The soak (its own calibration when the half-rate run did not give one), plus process starts.
    if (g.soakMinutes > 0) total += g.soakMinutes * 60 + (opts['half-rate'] ? 2 : 6) + Math.ceil(g.soakMinutes * 2);
  }
  return total;
}

/** The whole run's hard bound in seconds: --max-minutes, else the estimate × 1.5 + 3 min. */
export function boundSeconds(plan, opts) {
  return opts['max-minutes'] > 0 ? opts['max-minutes'] * 60 : Math.ceil(estimateSeconds(plan, opts) * 1.5 + 180);
}
