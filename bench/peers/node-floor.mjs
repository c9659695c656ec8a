// Peer: the bare Node floor — node:http + an undici Pool, nothing else. HTTP/1.1 uses the
// connection-manager engineers' bench/floor-proxy.mjs (Pool.dispatch writing straight into the
// response) when it is there; HTTP/2 (and HTTP/1.1 without it) uses servers/undici-floor.mjs
// (node:http or node:http2 h2c + Pool.stream).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { launchServer } from '../procs/launch.mjs';
import { startNodeScript } from './node-script.mjs';

export const id = 'node-floor';
export const label = 'node:http + undici Pool (Node floor)';
export const protocols = ['h1', 'h2'];
export const needs = [];

function floorProxy(ctx) {
  const file = join(ctx.benchDir, 'floor-proxy.mjs');
  return existsSync(file) ? file : null;
}

/** One line for the report saying which floor server ran. */
export function describe(ctx) {
  return floorProxy(ctx)
    ? 'Node floor: HTTP/1.1 by bench/floor-proxy.mjs (node:http + undici Pool.dispatch); HTTP/2 by bench/servers/undici-floor.mjs (node:http2 h2c + Pool.stream)'
    : 'Node floor: bench/servers/undici-floor.mjs (node:http or node:http2 h2c + undici Pool.stream); bench/floor-proxy.mjs absent';
}

/** Starts the floor server on `port` in front of `upstream`; resolves to {pid, stop()}. */
export function start(ctx, { port, upstream, protocol }) {
  const file = floorProxy(ctx);
  if (protocol === 'h1' && file) {
    return launchServer(ctx, {
      name: 'node floor (floor-proxy.mjs)',
      cmd: process.execPath,
      args: [file, '--port', String(port), '--upstream', upstream.url],
      port,
      cpus: ctx.proxyCpus,
    });
  }
  return startNodeScript(ctx, { name: `node floor (${protocol})`, script: 'undici-floor.mjs', port, upstream, protocol });
}
