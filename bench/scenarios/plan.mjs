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
 * The (target, protocol) groups to run, after --only / --skip / --protocols.
 * @returns {{target: object, protocol: string, bodies: number[]}[]}
 */
export function buildPlan(opts) {
  const known = new Set(allTargets().map((t) => t.id));
  for (const id of [...opts.only, ...opts.skip]) {
    if (!known.has(id)) throw new Error(`unknown target "${id}" (known: ${[...known].join(', ')})`);
  }
  const groups = [];
  for (const target of allTargets()) {
    if (opts.only.length && !opts.only.includes(target.id)) continue;
    if (opts.skip.includes(target.id)) continue;
    for (const protocol of opts.protocols) {
      if (target.protocols.includes(protocol)) groups.push({ target, protocol, bodies: opts.bodies });
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
    if (g.protocol === 'h1' && opts['half-rate']) total += opts.duration + 1;
  }
  return total;
}
