// Peer: haproxy, 1 thread, HTTP mode, upstream connections reused across requests. HTTP/2 is
// h2c with prior knowledge (`proto h2` on the bind line).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchServer } from '../procs/launch.mjs';
import { waitH2Ok } from '../procs/net.mjs';

export const id = 'haproxy';
export const label = 'haproxy, 1 thread';
export const protocols = ['h1', 'h2'];
export const needs = ['haproxy'];

/** haproxy reserves two descriptors per connection and refuses maxconn above (nofile - ~20) / 2. */
export function maxIdleConns(ctx) {
  return ctx.haproxyMaxconn - 100;
}

/** Starts haproxy on `port` proxying to `upstream` ({port}); resolves to {pid, stop()}. */
export function start(ctx, { port, upstream, protocol }) {
  const dir = join(ctx.tmpDir, `peer-haproxy-${protocol}`);
  mkdirSync(dir, { recursive: true });
  const cfg = join(dir, 'haproxy.cfg');
  writeFileSync(cfg, `
global
  nbthread 1
  maxconn ${ctx.haproxyMaxconn}
defaults
  mode http
  timeout connect 5s
  timeout client 300s
  timeout server 300s
  timeout http-keep-alive 300s
frontend fe
  bind 127.0.0.1:${port}${protocol === 'h2' ? ' proto h2' : ''}
  default_backend be
backend be
  http-reuse always
  server s1 127.0.0.1:${upstream.port}
`);
  return launchServer(ctx, {
    name: `haproxy peer (${protocol})`,
    cmd: ctx.tools.haproxy,
    args: ['-f', cfg, '-db'],
    port,
    cpus: ctx.proxyCpus,
    ready: protocol === 'h2' ? (_h, o) => waitH2Ok(port, o) : undefined,
  });
}
