// Sluice under test: one peer per row of scenarios/sluice-scenarios.mjs. Writes the scenario's
// YAML config, runs `node bin/sluice.js run -c FILE`, waits until the listener proxies a request,
// and turns "not available yet" (not built, module missing, no workers, no HTTP/2) into a Skip.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { launchServer } from '../procs/launch.mjs';
import { freePort, probeH2 } from '../procs/net.mjs';
import { processTree } from '../measure/proc.mjs';
import { Skip } from '../scenarios/outcome.mjs';
import { resolveScenarioFilters, sluiceConfig } from '../scenarios/sluice-scenarios.mjs';

/** Builds the peer object (same shape as bench/peers/*.mjs) for one Sluice scenario. */
export function sluicePeer(scenario) {
  return {
    id: scenario.id,
    label: scenario.label,
    protocols: scenario.protocols,
    needs: [],
    sluice: true,
    /** Checks what can be known before starting: build present, modules present. */
    precheck(ctx) {
      if (!existsSync(join(ctx.root, 'dist', 'host', 'cli', 'main.js'))) {
        return 'Sluice not built yet (dist/host/cli/main.js missing; `npm run build`)';
      }
      const r = resolveScenarioFilters(ctx.root, scenario);
      return 'missing' in r ? r.missing : null;
    },
    start: (ctx, opts) => startSluice(ctx, scenario, opts),
  };
}

async function startSluice(ctx, scenario, { port, upstream, protocol }) {
  const resolved = resolveScenarioFilters(ctx.root, scenario);
  if ('missing' in resolved) throw new Skip(resolved.missing);
  const dir = join(ctx.tmpDir, `sluice-${scenario.id}-${protocol}`);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'sluice.yaml');
  const adminPort = await freePort();
  writeFileSync(file, stringify(sluiceConfig({ scenario, filters: resolved.filters, port, adminPort, upstream })));
  let handle;
  try {
    handle = await launchServer(ctx, {
      name: `${scenario.label} (${protocol})`,
      cmd: process.execPath,
      args: [join(ctx.root, 'bin', 'sluice.js'), 'run', '-c', file],
      port,
      cpus: scenario.cpus ?? ctx.proxyCpus,
    });
  } catch (err) {
    if (/not built yet/.test(err.message)) throw new Skip('Sluice not built yet (bin/sluice.js: not built)');
    throw new Error(`Sluice did not start: ${err.message.slice(err.message.indexOf(': ') + 2)}`);
  }
  const skip = await featureMissing(handle, scenario, protocol, port);
  if (skip) {
    await handle.stop();
    throw new Skip(skip);
  }
  handle.configFile = file;
  return handle;
}

/** After start: does the running Sluice actually have what the scenario measures? */
async function featureMissing(handle, scenario, protocol, port) {
  if (scenario.workers > 1) {
    // Workers fork after the primary starts listening; give them a moment to appear.
    const deadline = Date.now() + 5000;
    let nodes = processTree(handle.pid).length;
    while (nodes < scenario.workers + 1 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      nodes = processTree(handle.pid).length;
    }
    if (nodes < scenario.workers + 1) return `workers: ${scenario.workers} not available yet (no worker processes forked)`;
  }
  if (protocol === 'h2') {
    let last;
    for (let i = 0; i < 5; i++) {
      last = await probeH2(port);
      if (last === 200) return null;
    }
    return `HTTP/2 (h2c prior knowledge) not available on the listener (${last instanceof Error ? last.message : `status ${last}`})`;
  }
  return null;
}
