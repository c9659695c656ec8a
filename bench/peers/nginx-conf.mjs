// nginx configuration shared by the static upstream and the nginx peer: one worker, foreground,
// every path (pid, logs, temp files) inside a private temp dir, no access log.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchServer } from '../procs/launch.mjs';

/**
 * Writes `<dir>/nginx.conf` around the given `server { ... }` / `upstream { ... }` blocks and
 * starts nginx with it. Resolves to a launch handle (see procs/launch.mjs).
 */
export async function startNginx(ctx, { name, dir, httpBlocks, port, cpus, ready }) {
  mkdirSync(dir, { recursive: true });
  // Workers run as the invoking user when root (the default "nobody" could not write the
  // temp dir), so large request bodies can spill to disk like in any real setup.
  const user = typeof process.getuid === 'function' && process.getuid() === 0 ? 'user root root;' : '';
  const conf = `
${user}
worker_processes 1;
daemon off;
master_process on;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')} warn;
events { worker_connections 16384; }
http {
  access_log off;
  client_body_temp_path ${join(dir, 'body')};
  proxy_temp_path ${join(dir, 'proxy')};
  fastcgi_temp_path ${join(dir, 'fastcgi')};
  uwsgi_temp_path ${join(dir, 'uwsgi')};
  scgi_temp_path ${join(dir, 'scgi')};
  keepalive_requests 100000000;
  keepalive_timeout 300s;
  client_max_body_size 16m;
  # 64 KB bodies stay in memory, as they do in the Node peers.
  client_body_buffer_size 128k;
${httpBlocks}
}
`;
  const confPath = join(dir, 'nginx.conf');
  writeFileSync(confPath, conf);
  return launchServer(ctx, {
    name, cmd: ctx.tools.nginx, args: ['-p', dir, '-c', confPath], port, cpus, ready,
  });
}
