// Chooses the load generator for a protocol: wrk for HTTP/1.1 and h2load for HTTP/2 when
// installed, autocannon for HTTP/1.1 otherwise. HTTP/2 without h2load is skipped.
import { runAutocannon, autocannonCli } from './autocannon.mjs';
import { runH2load } from './h2load.mjs';
import { runWrk } from './wrk.mjs';

/**
 * @returns {{name: string, run: Function} | {missing: string}}
 */
export function loadGenerator(ctx, protocol) {
  if (protocol === 'h2') {
    return ctx.tools.h2load ? { name: 'h2load', run: runH2load } : { missing: 'h2load (nghttp2-client) not installed' };
  }
  if (ctx.opts.load !== 'autocannon' && ctx.tools.wrk) return { name: 'wrk', run: runWrk };
  if (autocannonCli()) return { name: 'autocannon', run: runAutocannon };
  return { missing: 'neither wrk nor autocannon available' };
}
