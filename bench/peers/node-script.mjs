// Starts one of bench/servers/*.mjs as a pinned Node process: the shape shared by the Node peers.
import { join } from 'node:path';
import { launchServer } from '../procs/launch.mjs';
import { waitH2Ok } from '../procs/net.mjs';

/** Runs `node bench/servers/<script> --port P --upstream URL --protocol X` and waits for it. */
export function startNodeScript(ctx, { name, script, port, upstream, protocol = 'h1' }) {
  return launchServer(ctx, {
    name,
    cmd: process.execPath,
    args: [join(ctx.benchDir, 'servers', script), '--port', String(port), '--upstream', upstream.url, '--protocol', protocol],
    port,
    cpus: ctx.proxyCpus,
    ready: protocol === 'h2' ? (_h, o) => waitH2Ok(port, o) : undefined,
  });
}
