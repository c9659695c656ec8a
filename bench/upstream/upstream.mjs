// The loopback upstream every proxy forwards to: nginx serving the 11-byte body "hello world"
// (for any method; a request body is read and dropped), or a Node server when nginx is absent.
// It shares the load generator's core (DESIGN.md: proxy on core 0, load and upstream on core 1).
import { join } from 'node:path';
import { startNginx } from '../peers/nginx-conf.mjs';
import { launchServer } from '../procs/launch.mjs';
import { freePort } from '../procs/net.mjs';

/**
 * Starts the upstream. `prefer` is "nginx" or "node".
 * @returns {Promise<{kind: string, port: number, url: string, handle: object}>}
 */
export async function startUpstream(ctx, { prefer }) {
  const port = await freePort();
  const cpus = ctx.loadCpus;
  if (prefer !== 'node' && ctx.tools.nginx) {
    const handle = await startNginx(ctx, {
      name: 'upstream (nginx)',
      dir: join(ctx.tmpDir, 'upstream-nginx'),
      port,
      cpus,
      httpBlocks: `
  server {
    listen 127.0.0.1:${port} backlog=4096;
    location / { default_type text/plain; return 200 "hello world"; }
  }`,
    });
    return { kind: 'nginx', port, url: `http://127.0.0.1:${port}`, handle };
  }
  const handle = await launchServer(ctx, {
    name: 'upstream (node)',
    cmd: process.execPath,
    args: [join(ctx.benchDir, 'servers', 'static-upstream.mjs'), '--port', String(port)],
    port,
    cpus,
  });
  return { kind: 'node', port, url: `http://127.0.0.1:${port}`, handle };
}
