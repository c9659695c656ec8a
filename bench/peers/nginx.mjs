// Peer: nginx as a reverse proxy, 1 worker, keep-alive pool to the upstream. HTTP/2 is h2c with
// prior knowledge (`listen ... http2` on a cleartext port), as h2load speaks it.
import { join } from 'node:path';
import { startNginx } from './nginx-conf.mjs';
import { waitH2Ok } from '../procs/net.mjs';

export const id = 'nginx';
export const label = 'nginx, 1 worker';
export const protocols = ['h1', 'h2'];
export const needs = ['nginx'];

/** Starts nginx on `port` proxying to `upstream` ({port}); resolves to {pid, stop()}. */
export function start(ctx, { port, upstream, protocol }) {
  return startNginx(ctx, {
    name: `nginx peer (${protocol})`,
    dir: join(ctx.tmpDir, `peer-nginx-${protocol}`),
    port,
    cpus: ctx.proxyCpus,
    ready: protocol === 'h2' ? (_h, o) => waitH2Ok(port, o) : undefined,
    httpBlocks: `
  upstream backend {
    server 127.0.0.1:${upstream.port};
    keepalive 128;
    keepalive_requests 100000000;
    keepalive_timeout 300s;
  }
  server {
    listen 127.0.0.1:${port} backlog=4096${protocol === 'h2' ? ' http2' : ''};
    http2_max_concurrent_streams 128;
    location / {
      proxy_pass http://backend;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }`,
  });
}
