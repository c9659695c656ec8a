// Not a proxy: the load generator hits the upstream itself, the ceiling of this layout.
// Nothing is started; CPU and RSS are those of the upstream process.

export const id = 'direct';
export const label = 'direct to upstream (ceiling)';
export const protocols = ['h1'];
export const needs = [];

/** Returns the already running upstream as the target. */
export function start(_ctx, { upstream }) {
  return Promise.resolve({ pid: upstream.handle.pid, port: upstream.port, cpus: null, stop: async () => {}, shared: true });
}
