/**
 * Before forking workers, the primary binds each listener address once and lets it go. With
 * several workers a taken port would otherwise surface as one worker's failure among the
 * supervisor's log lines, after every worker had been forked and killed; probed here, it is the
 * same one `path: message` line and exit 2 as with a single in-process worker.
 */
import { createServer } from 'node:net';
import { parseAddress } from '../config/address.js';
import type { ConfigLoadError } from '../config/errors.js';
import type { SluiceConfig } from '../config/types.js';
import { bindError } from '../gateway/config-errors.js';

function tryBind(host: string, port: number): Promise<unknown> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', resolve);
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(undefined)));
  });
}

/** The first listener address that cannot be bound now, as a ConfigLoadError; undefined if all can. */
export async function probeListenerAddresses(config: SluiceConfig): Promise<ConfigLoadError | undefined> {
  for (const [i, l] of config.listeners.entries()) {
    const a = parseAddress(l.address);
    // Port 0 is an ephemeral port each bind picks anew: nothing to probe.
    if (a === undefined || a.port === 0) continue;
    const err = await tryBind(a.host, a.port);
    if (err !== undefined) return bindError(`listeners[${i}].address`, l.address, err);
  }
  return undefined;
}
